//! A connection's stream with something told of every read: what the limits need to know of a
//! connection as it is served ([`super::connections`], [`super::framing`]). Writes pass through.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What is told of a stream's reads.
pub trait Listen {
    /// A read found nothing yet (`None`: the reader waits on the client), or read these bytes
    /// (none at the stream's end).
    fn read(&mut self, read: Option<&[u8]>);
}

/// `inner`, whose reads `listener` is told of.
pub struct Tapped<I, L> {
    inner: I,
    listener: L,
}

impl<I, L> Tapped<I, L> {
    pub fn new(inner: I, listener: L) -> Self {
        Tapped { inner, listener }
    }
}

impl<I: AsyncRead + Unpin, L: Listen + Unpin> AsyncRead for Tapped<I, L> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        match &polled {
            Poll::Pending => this.listener.read(None),
            Poll::Ready(Ok(())) => this.listener.read(Some(&buf.filled()[before..])),
            Poll::Ready(Err(_)) => {}
        }
        polled
    }
}

impl<I: AsyncWrite + Unpin, L: Unpin> AsyncWrite for Tapped<I, L> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
