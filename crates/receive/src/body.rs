//! Reading the raw body: JSON by its `Content-Type`, within the size limit, its bytes charged to
//! the body budget as they arrive, and refused when they come too slowly.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, header};
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::time::Instant;

use crate::budget::{Full, Held};
use crate::refusal::Refusal;

/// The slowest a body may come: its first bytes within `grace` of its head, then at least
/// `bytes_per_second` on average since the head, and never a pause longer than `grace`. A
/// sender that stalls, trickles, or sends most of a body and stops, holds a connection and its
/// share of the budget for that long at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MinRate {
    pub bytes_per_second: u64,
    pub grace: Duration,
}

impl MinRate {
    /// When the next bytes must have come, `received` bytes having come since `started`, the
    /// last at `last`.
    fn deadline(&self, started: Instant, last: Instant, received: usize) -> Instant {
        let rate = self.bytes_per_second.max(1) as f64;
        let average = started + self.grace + Duration::from_secs_f64(received as f64 / rate);
        average.min(last + self.grace)
    }
}

/// The body, whole, if the request says it is JSON, it is at most `limit` bytes, it comes no
/// slower than `min_rate`, and `held` (when a budget is kept) can take its bytes.
pub(crate) async fn read_json_body<B>(
    headers: &HeaderMap,
    body: B,
    limit: usize,
    min_rate: Option<MinRate>,
    held: &mut Option<Held>,
) -> Result<Bytes, Refusal>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    // Every value: two `Content-Type` headers leave the body's type in doubt, and are refused.
    let mut types = headers.get_all(header::CONTENT_TYPE).iter();
    let (first, more) = (types.next(), types.next().is_some());
    if more || !first.and_then(|v| v.to_str().ok()).is_some_and(is_json) {
        let types: Vec<String> = headers
            .get_all(header::CONTENT_TYPE)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let content_type = (!types.is_empty()).then(|| types.join(", "));
        return Err(Refusal::UnsupportedMediaType { content_type });
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(Refusal::PayloadTooLarge { limit });
    }
    let mut body = std::pin::pin!(Limited::new(body, limit));
    let mut chunks: Vec<Bytes> = Vec::new();
    let (started, mut received) = (Instant::now(), 0);
    let mut last = started;
    // Read until the body says it has ended: with a Content-Length, once its last byte came, not
    // once the connection next finds nothing more to read. A body that came with its head is
    // then read in the request's first poll, and the request may be answered in it (the
    // deadline's timer is set only for a frame that has to be waited for).
    while !body.is_end_stream() {
        let frame = match min_rate {
            None => body.frame().await,
            Some(min_rate) => {
                let deadline = min_rate.deadline(started, last, received);
                tokio::time::timeout_at(deadline, body.frame())
                    .await
                    .map_err(|_| Refusal::TooSlow {
                        reason: format!(
                            "the body came slower than {} bytes a second, or paused for {} s \
                             ({received} bytes in {:.1} s)",
                            min_rate.bytes_per_second,
                            min_rate.grace.as_secs_f64(),
                            started.elapsed().as_secs_f64()
                        ),
                    })?
            }
        };
        match frame {
            None => break,
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                };
                received += data.len();
                if min_rate.is_some() {
                    last = Instant::now();
                }
                if let Some(held) = held {
                    held.grow(data.len()).map_err(|full| Refusal::Busy {
                        reason: match full {
                            Full::Budget => "too many request bodies are being read at once",
                            Full::Share => "this sender's share of the bodies being read is taken",
                        }
                        .to_owned(),
                    })?;
                }
                chunks.push(data);
            }
            Some(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(Refusal::PayloadTooLarge { limit });
            }
            Some(Err(error)) => {
                return Err(Refusal::BadRequest {
                    reason: format!("the body could not be read: {error}"),
                });
            }
        }
    }
    Ok(match chunks.len() {
        1 => chunks.swap_remove(0),
        _ => Bytes::from(chunks.concat()),
    })
}

/// `application/json`, or any `+json` type, with or without parameters.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .rsplit_once('+')
            .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The time a body declared `declared` bytes long, sent as `pieces` (the first at once,
    /// each next `every` after the last), is refused at, if it is, with a rate of 100 bytes a
    /// second after a grace of 2 s, on a paused clock.
    async fn refused_at(declared: usize, pieces: &[usize], every: Duration) -> Option<Duration> {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
        let pieces = pieces.to_vec();
        let whole = pieces.iter().sum::<usize>() == declared;
        tokio::spawn(async move {
            for (n, piece) in pieces.into_iter().enumerate() {
                if n > 0 {
                    tokio::time::sleep(every).await;
                }
                let _ = sender.send(Ok(Bytes::from(vec![b' '; piece]))).await;
            }
            // Short of its length, the body is held open: it neither ends nor comes.
            if !whole {
                std::future::pending::<()>().await;
            }
        });
        let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|item| (item, receiver))
        });
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        headers.insert(header::CONTENT_LENGTH, declared.into());
        let started = Instant::now();
        let rate = MinRate {
            bytes_per_second: 100,
            grace: Duration::from_secs(2),
        };
        let body = http_body_util::StreamBody::new(futures_util::StreamExt::map(stream, |chunk| {
            chunk.map(http_body::Frame::data)
        }));
        match read_json_body(&headers, body, 1 << 20, Some(rate), &mut None).await {
            Ok(_) => None,
            Err(Refusal::TooSlow { .. }) => Some(started.elapsed()),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_must_start_keep_its_rate_and_never_pause_long() {
        let second = Duration::from_secs(1);
        // 100 bytes a second, on time.
        assert_eq!(refused_at(500, &[100; 5], second).await, None);
        // Nothing within the grace.
        assert_eq!(refused_at(10, &[], second).await, Some(second * 2));
        // A byte a second: due at 2 s + bytes / 100 a second.
        let trickle = refused_at(100, &[1; 100], second).await.unwrap();
        assert!(trickle > second * 2 && trickle < second * 3, "{trickle:?}");
        // Most of it at once, then a pause: cut the grace after the last bytes, though the
        // average would allow 100 s more.
        assert_eq!(
            refused_at(10_100, &[10_000], second).await,
            Some(second * 2)
        );
        assert_eq!(
            refused_at(10_100, &[9_000, 1000], second).await,
            Some(second * 3)
        );
    }

    #[test]
    fn json_content_types() {
        for yes in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/cloudevents+json",
        ] {
            assert!(super::is_json(yes), "{yes}");
        }
        for no in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "",
            "json",
        ] {
            assert!(!super::is_json(no), "{no}");
        }
    }
}
