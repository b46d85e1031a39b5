//! The hostile-input corpus (`tests/hostile/cases.json`) through the library's entry points:
//! strict validation and the forgiving models each reach the verdict the corpus names, within
//! 5 s and 512 MiB, without a panic. (`hookschema-cli`'s tests run the same corpus through the
//! command line and the receiver, as processes.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use hookschema_fixtures::{HostileCase, Verdict, hostile};
use hookschema_models::SchemaFile;
use hookschema_validate::Schema;

/// The system allocator, counting the bytes live and their peak since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; `layout` is the caller's.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is; the caller allocated `pointer` with `layout` here.
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// An entry point of the library, run on a case's bytes.
type EntryPoint = fn(&HostileCase) -> Verdict;

const TIME_LIMIT: Duration = Duration::from_secs(5);
const MEMORY_LIMIT: usize = 512 * 1024 * 1024;

/// Runs `entry` on its own thread and returns its verdict, or why it broke a limit: it must end
/// within [`TIME_LIMIT`], without a panic, its allocations peaking under [`MEMORY_LIMIT`] above
/// what was live before.
fn within_limits(entry: impl FnOnce() -> Verdict + Send + 'static) -> Result<Verdict, String> {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let verdict = entry();
        let _ = sender.send(());
        verdict
    });
    match receiver.recv_timeout(TIME_LIMIT) {
        Ok(()) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => return Err(format!("took over {TIME_LIMIT:?}")),
        // The sender went away without sending: the entry point panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => {}
    }
    let verdict = worker.join().map_err(|_| "panicked".to_owned())?;
    let used = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    if used > MEMORY_LIMIT {
        return Err(format!("used {} MiB", used >> 20));
    }
    Ok(verdict)
}

fn validated(case: &HostileCase) -> Verdict {
    let schema = Schema::named(&case.schema).expect("the corpus names embedded schemas");
    match schema.validate_bytes(&case.bytes) {
        Ok(()) => Verdict::Valid,
        Err(invalid) => {
            let mut at: Vec<String> = invalid
                .violations
                .iter()
                .map(|v| v.instance_path.clone())
                .collect();
            at.sort();
            at.dedup();
            let says = invalid
                .violations
                .iter()
                .map(|v| v.message.clone())
                .collect::<Vec<_>>()
                .join(" | ");
            Verdict::Invalid { at, says }
        }
    }
}

fn decoded(case: &HostileCase) -> Verdict {
    let file = SchemaFile::named(&case.schema).expect("the corpus names embedded schemas");
    match (file.reserialize)(&case.bytes) {
        Ok(_) => Verdict::Valid,
        Err(error) => Verdict::Invalid {
            at: vec![error.pointer],
            says: error.message,
        },
    }
}

/// Whether `got` is the verdict `expected` names: the same paths, and messages that hold its
/// fragment.
fn matches(got: &Verdict, expected: &Verdict) -> bool {
    match (got, expected) {
        (Verdict::Valid, Verdict::Valid) => true,
        (
            Verdict::Invalid { at, says },
            Verdict::Invalid {
                at: want,
                says: fragment,
            },
        ) => at == want && says.contains(fragment.as_str()),
        _ => false,
    }
}

fn shown(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Valid => "valid".to_owned(),
        Verdict::Invalid { at, says } => {
            let at: Vec<String> = at.iter().map(|p| p.chars().take(80).collect()).collect();
            let says: String = says.chars().take(300).collect();
            format!("invalid at {at:?}: {says}")
        }
    }
}

#[test]
fn every_hostile_input_gets_its_verdict_within_limits() {
    let cases = hostile();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for case in cases {
        let entries: [(&str, EntryPoint, &Verdict); 2] = [
            ("validate", validated, &case.validate),
            ("parse", decoded, &case.parse),
        ];
        for (entry, run, expected) in entries {
            let input = case.clone();
            match within_limits(move || run(&input)) {
                Ok(got) if matches(&got, expected) => {}
                Ok(got) => wrong.push(format!(
                    "{case} {entry}: got {}, want {}",
                    shown(&got),
                    shown(expected)
                )),
                Err(limit) => wrong.push(format!("{case} {entry}: {limit}")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
