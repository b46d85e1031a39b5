//! A bounded mixed load on `hookschema serve --strict` (`hookschema_load::load`; the
//! measured run is `bench/load.sh`): valid, invalid and forged deliveries of both vendors over
//! concurrent keep-alive connections, then the retries. Every answer is the one its delivery
//! deserves, every valid delivery is written exactly once and nothing else is written.

use std::process::{Command, Stdio};

use hookschema_load::load::LoadPlan;
use hookschema_testkit::Serve;

use crate::unix_now;

#[test]
fn under_load_every_valid_delivery_is_written_once_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let plan = LoadPlan::new(2000, unix_now());
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookschema"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--strict", "--store"])
        .arg(format!("jsonl:{}", out.display()))
        .stdout(Stdio::null());
    let mut server = Serve::launch(command);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = runtime.block_on(plan.send(server.addr(), 16));
    assert!(server.is_running());
    server.stop();

    assert!(report.wrong.is_empty(), "{report}\n{:#?}", report.wrong);
    assert_eq!(report.latencies.len(), plan.len(), "{report}");
    let problems = plan.audit(&std::fs::read_to_string(&out).unwrap());
    assert!(problems.is_empty(), "{problems:#?}");
}
