// SPDX-License-Identifier: GPL-2.0-or-later
//! The pcap writer and the Ethernet/IP/TCP/UDP framing.
//!
//! Everything here is deterministic: timestamps come from a virtual clock,
//! MAC addresses and initial sequence numbers are derived from the inputs, and
//! the file is always written little-endian. That lets tests compare captures
//! byte for byte and lets tshark see exactly the same packets on every run.

use std::fs;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use crate::checksum::{internet_checksum, transport_checksum, PROTO_TCP, PROTO_UDP};

/// Default start of the virtual clock: 2024-05-01T10:00:00Z, as time since the
/// Unix epoch. Fixed so that captures (and tshark's time columns) never
/// depend on when a test ran.
pub const DEFAULT_START: Duration = Duration::from_secs(1_714_557_600);
/// Default time between two consecutive packets.
pub const DEFAULT_STEP: Duration = Duration::from_micros(100);
/// Default maximum TCP payload per segment (Ethernet MTU minus IPv4 and TCP
/// headers), i.e. what a real CPE would typically send.
pub const DEFAULT_MSS: usize = 1460;
/// Largest payload that fits one IPv4 datagram next to a 20-byte TCP header.
/// IPv6 could carry 20 bytes more; one limit for both keeps flows portable.
pub const MAX_MSS: usize = 65_535 - 20 - 20;

const PCAP_MAGIC: u32 = 0xa1b2_c3d4;
const PCAP_VERSION: (u16, u16) = (2, 4);
const SNAPLEN: u32 = 262_144;
const LINKTYPE_ETHERNET: u32 = 1;

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const HOP_LIMIT: u8 = 64;
const WINDOW: u16 = 65_535;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// Which way data travels on a [`Flow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// From the endpoint that opened the connection (the CPE, for CWMP).
    ClientToServer,
    /// From the endpoint that accepted it (the ACS).
    ServerToClient,
}

impl Dir {
    /// The opposite direction, i.e. the side that acknowledges.
    pub fn reverse(self) -> Dir {
        match self {
            Dir::ClientToServer => Dir::ServerToClient,
            Dir::ServerToClient => Dir::ClientToServer,
        }
    }
}

/// The sequence-number state of one TCP connection in a [`Capture`].
///
/// It only exists after [`Capture::tcp_flow`] wrote the handshake, so every
/// segment sent on it continues a connection tshark has seen open.
#[derive(Clone, Debug)]
pub struct Flow {
    client: SocketAddr,
    server: SocketAddr,
    /// Largest payload per segment used by [`Capture::send`]; lower it (e.g.
    /// to 100) to make tshark reassemble messages from many segments.
    pub mss: usize,
    client_next: u32,
    server_next: u32,
    closed: bool,
}

impl Flow {
    /// The address that opened the connection.
    pub fn client(&self) -> SocketAddr {
        self.client
    }

    /// The address that accepted the connection.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// The next sequence number the client will use (relative numbering in
    /// tshark starts at the SYN's sequence number).
    pub fn client_seq(&self) -> u32 {
        self.client_next
    }

    /// The next sequence number the server will use.
    pub fn server_seq(&self) -> u32 {
        self.server_next
    }

    /// Whether [`Capture::close`] has been called.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    fn ends(&self, dir: Dir) -> (SocketAddr, SocketAddr) {
        match dir {
            Dir::ClientToServer => (self.client, self.server),
            Dir::ServerToClient => (self.server, self.client),
        }
    }

    fn next_seq(&mut self, dir: Dir) -> &mut u32 {
        match dir {
            Dir::ClientToServer => &mut self.client_next,
            Dir::ServerToClient => &mut self.server_next,
        }
    }
}

/// An in-memory classic pcap file (microsecond timestamps, Ethernet links).
///
/// Classic pcap rather than pcapng because it is the simplest format every
/// tshark version reads, and nothing here needs pcapng's extra metadata.
#[derive(Clone, Debug)]
pub struct Capture {
    buf: Vec<u8>,
    now: Duration,
    step: Duration,
    ip_id: u16,
    flows: u32,
    packets: usize,
}

impl Default for Capture {
    fn default() -> Self {
        Self::new()
    }
}

impl Capture {
    /// An empty capture whose clock starts at [`DEFAULT_START`] and advances by
    /// [`DEFAULT_STEP`] per packet.
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(64 * 1024);
        buf.extend_from_slice(&PCAP_MAGIC.to_le_bytes());
        buf.extend_from_slice(&PCAP_VERSION.0.to_le_bytes());
        buf.extend_from_slice(&PCAP_VERSION.1.to_le_bytes());
        buf.extend_from_slice(&0i32.to_le_bytes()); // thiszone: UTC
        buf.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
        buf.extend_from_slice(&SNAPLEN.to_le_bytes());
        buf.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
        Capture {
            buf,
            now: DEFAULT_START,
            step: DEFAULT_STEP,
            ip_id: 1,
            flows: 0,
            packets: 0,
        }
    }

    /// Sets how far the clock moves after each packet.
    pub fn set_step(&mut self, step: Duration) {
        self.step = step;
    }

    /// Sets the clock (time since the Unix epoch) of the next packet.
    pub fn set_time(&mut self, since_epoch: Duration) {
        self.now = since_epoch;
    }

    /// The timestamp the next packet will get, as time since the Unix epoch.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// Moves the clock forward, e.g. to put a response 2.5 s after its
    /// request when testing response-time fields.
    pub fn advance(&mut self, d: Duration) {
        self.now += d;
    }

    /// Number of packets written so far (tshark's last `frame.number`).
    pub fn packet_count(&self) -> usize {
        self.packets
    }

    /// Opens a TCP connection: writes SYN, SYN/ACK and ACK (three packets).
    ///
    /// The initial sequence numbers depend only on how many flows this
    /// capture already has, so they are reproducible yet differ per flow.
    ///
    /// # Panics
    /// If the two addresses are of different IP families.
    pub fn tcp_flow(&mut self, client: SocketAddr, server: SocketAddr) -> Flow {
        assert_eq!(
            client.is_ipv4(),
            server.is_ipv4(),
            "client {client} and server {server} are of different IP families"
        );
        let n = self.flows;
        self.flows += 1;
        let client_isn = 0x0001_0000u32.wrapping_add(n.wrapping_mul(0x0100_0000));
        let server_isn = 0x8001_0000u32.wrapping_add(n.wrapping_mul(0x0100_0000));
        let mss = Some(DEFAULT_MSS as u16);
        self.tcp(client, server, client_isn, 0, SYN, &[], mss);
        let (c, s) = (client_isn.wrapping_add(1), server_isn.wrapping_add(1));
        self.tcp(server, client, server_isn, c, SYN | ACK, &[], mss);
        self.tcp(client, server, c, s, ACK, &[], None);
        Flow {
            client,
            server,
            mss: DEFAULT_MSS,
            client_next: c,
            server_next: s,
            closed: false,
        }
    }

    /// Sends `payload` in segments of at most `flow.mss` bytes, PSH on the
    /// last one, followed by an ACK from the receiving side. An empty
    /// payload writes nothing.
    ///
    /// # Panics
    /// If the flow is closed or `flow.mss` is 0 or above [`MAX_MSS`].
    pub fn send(&mut self, flow: &mut Flow, dir: Dir, payload: &[u8]) {
        let mss = flow.mss;
        self.send_segmented(flow, dir, payload, mss);
    }

    /// [`Capture::send`] with an explicit segment size, so callers can
    /// segment one message differently without touching `flow.mss`.
    pub(crate) fn send_segmented(&mut self, flow: &mut Flow, dir: Dir, payload: &[u8], mss: usize) {
        assert!(!flow.closed, "send on a closed flow");
        assert!(
            (1..=MAX_MSS).contains(&mss),
            "segment size {mss} outside 1..={MAX_MSS}"
        );
        if payload.is_empty() {
            return;
        }
        self.buf
            .reserve(payload.len() + (payload.len() / mss + 2) * 128);
        let (src, dst) = flow.ends(dir);
        let ack = *flow.next_seq(dir.reverse());
        let mut unacked = 0usize;
        let mut segments = payload.chunks(mss).peekable();
        while let Some(seg) = segments.next() {
            // Acknowledge well before the advertised (unscaled) window fills,
            // as a receiver would; otherwise tshark flags multi-megabyte
            // bodies with "window full" expert infos that no real stack
            // would produce.
            if unacked > 0 && unacked + seg.len() > usize::from(WINDOW / 2) {
                let seq = *flow.next_seq(dir);
                self.tcp(dst, src, ack, seq, ACK, &[], None);
                unacked = 0;
            }
            let last = segments.peek().is_none();
            let flags = if last { ACK | PSH } else { ACK };
            let seq = flow.next_seq(dir);
            let this = *seq;
            *seq = seq.wrapping_add(seg.len() as u32);
            self.tcp(src, dst, this, ack, flags, seg, None);
            unacked += seg.len();
        }
        let seq = *flow.next_seq(dir);
        self.tcp(dst, src, ack, seq, ACK, &[], None);
    }

    /// Closes the connection: FIN/ACK from the client, FIN/ACK from the
    /// server, and the client's final ACK.
    ///
    /// # Panics
    /// If the flow is already closed.
    pub fn close(&mut self, flow: &mut Flow) {
        assert!(!flow.closed, "flow closed twice");
        let (c, s) = (flow.client, flow.server);
        self.tcp(
            c,
            s,
            flow.client_next,
            flow.server_next,
            FIN | ACK,
            &[],
            None,
        );
        flow.client_next = flow.client_next.wrapping_add(1);
        self.tcp(
            s,
            c,
            flow.server_next,
            flow.client_next,
            FIN | ACK,
            &[],
            None,
        );
        flow.server_next = flow.server_next.wrapping_add(1);
        self.tcp(c, s, flow.client_next, flow.server_next, ACK, &[], None);
        flow.closed = true;
    }

    /// Writes one UDP datagram (e.g. a TR-069 UDP connection request).
    ///
    /// # Panics
    /// If the addresses are of different IP families or the payload does not
    /// fit one datagram.
    pub fn udp(&mut self, src: SocketAddr, dst: SocketAddr, payload: &[u8]) {
        let len = u16::try_from(8 + payload.len())
            .ok()
            .filter(|&l| usize::from(l) <= 65_535 - 20)
            .expect("UDP payload too large for one datagram");
        let mut h = [0u8; 8];
        h[0..2].copy_from_slice(&src.port().to_be_bytes());
        h[2..4].copy_from_slice(&dst.port().to_be_bytes());
        h[4..6].copy_from_slice(&len.to_be_bytes());
        self.packet(src, dst, PROTO_UDP, &h, 6, payload);
    }

    /// The complete pcap file.
    pub fn bytes(&self) -> Vec<u8> {
        self.buf.clone()
    }

    /// The complete pcap file, without copying it.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Writes the pcap file to `path`.
    pub fn write(&self, path: impl AsRef<Path>) -> io::Result<()> {
        fs::write(path, &self.buf)
    }

    /// Writes the bytes built so far to `out` and empties the in-memory
    /// buffer, so captures larger than memory can be streamed to disk.
    /// Returns the number of bytes written. After a flush, [`Capture::bytes`]
    /// and [`Capture::as_bytes`] hold only what was added since, and
    /// [`Capture::write`] would write a file without the global header.
    pub fn flush_to(&mut self, out: &mut impl Write) -> io::Result<usize> {
        out.write_all(&self.buf)?;
        let n = self.buf.len();
        self.buf.clear();
        Ok(n)
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
        &mut self,
        src: SocketAddr,
        dst: SocketAddr,
        seq: u32,
        ack: u32,
        flags: u8,
        payload: &[u8],
        mss_option: Option<u16>,
    ) {
        let mut h = [0u8; 24];
        let len = if mss_option.is_some() { 24 } else { 20 };
        h[0..2].copy_from_slice(&src.port().to_be_bytes());
        h[2..4].copy_from_slice(&dst.port().to_be_bytes());
        h[4..8].copy_from_slice(&seq.to_be_bytes());
        h[8..12].copy_from_slice(&ack.to_be_bytes());
        h[12] = ((len / 4) as u8) << 4;
        h[13] = flags;
        h[14..16].copy_from_slice(&WINDOW.to_be_bytes());
        if let Some(mss) = mss_option {
            h[20..24].copy_from_slice(&[2, 4, (mss >> 8) as u8, mss as u8]);
        }
        self.packet(src, dst, PROTO_TCP, &h[..len], 16, payload);
    }

    /// Appends one pcap record holding an Ethernet frame with an IP packet
    /// whose transport header is `l4_header` (checksum field at `csum_at`
    /// zeroed; it is filled in here) followed by `payload`.
    fn packet(
        &mut self,
        src: SocketAddr,
        dst: SocketAddr,
        proto: u8,
        l4_header: &[u8],
        csum_at: usize,
        payload: &[u8],
    ) {
        let l4_len = l4_header.len() + payload.len();
        let ip_len = if src.is_ipv4() { 20 } else { 40 };
        let frame_len = 14 + ip_len + l4_len;
        let frame_len32 = u32::try_from(frame_len)
            .ok()
            .filter(|&l| l <= SNAPLEN)
            .expect("frame exceeds the snapshot length");

        let ts = self.now;
        self.now += self.step;
        let secs = u32::try_from(ts.as_secs()).expect("classic pcap timestamps end in 2106");
        self.buf.extend_from_slice(&secs.to_le_bytes());
        self.buf
            .extend_from_slice(&ts.subsec_micros().to_le_bytes());
        self.buf.extend_from_slice(&frame_len32.to_le_bytes());
        self.buf.extend_from_slice(&frame_len32.to_le_bytes());

        self.buf.extend_from_slice(&mac(dst.ip()));
        self.buf.extend_from_slice(&mac(src.ip()));
        match (src.ip(), dst.ip()) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let total = u16::try_from(20 + l4_len).expect("IPv4 packet too long");
                self.buf.extend_from_slice(&ETHERTYPE_IPV4.to_be_bytes());
                let start = self.buf.len();
                self.buf.extend_from_slice(&[0x45, 0]);
                self.buf.extend_from_slice(&total.to_be_bytes());
                self.buf.extend_from_slice(&self.ip_id.to_be_bytes());
                // Don't Fragment, as TCP stacks with path MTU discovery send.
                self.buf
                    .extend_from_slice(&[0x40, 0, HOP_LIMIT, proto, 0, 0]);
                self.buf.extend_from_slice(&s.octets());
                self.buf.extend_from_slice(&d.octets());
                let csum = internet_checksum(&self.buf[start..start + 20]);
                self.buf[start + 10..start + 12].copy_from_slice(&csum.to_be_bytes());
                self.ip_id = self.ip_id.wrapping_add(1);
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                let plen = u16::try_from(l4_len).expect("IPv6 payload too long");
                self.buf.extend_from_slice(&ETHERTYPE_IPV6.to_be_bytes());
                self.buf.extend_from_slice(&[0x60, 0, 0, 0]);
                self.buf.extend_from_slice(&plen.to_be_bytes());
                self.buf.extend_from_slice(&[proto, HOP_LIMIT]);
                self.buf.extend_from_slice(&s.octets());
                self.buf.extend_from_slice(&d.octets());
            }
            _ => panic!("source {src} and destination {dst} are of different IP families"),
        }

        let l4_start = self.buf.len();
        self.buf.extend_from_slice(l4_header);
        self.buf.extend_from_slice(payload);
        let mut csum = transport_checksum(src.ip(), dst.ip(), proto, &self.buf[l4_start..]);
        if proto == PROTO_UDP && csum == 0 {
            // In UDP a zero checksum means "none"; RFC 768 sends all ones.
            csum = 0xffff;
        }
        let at = l4_start + csum_at;
        self.buf[at..at + 2].copy_from_slice(&csum.to_be_bytes());
        self.packets += 1;
    }
}

/// A fixed, locally administered unicast MAC address for an IP address, so
/// each endpoint keeps one MAC across flows and runs. The 02:c4 / 02:c6
/// prefixes are not in Wireshark's vendor table (02:01..02:20 would show as
/// "MS-NLB-PhysServer"), so tshark prints the plain address.
fn mac(ip: IpAddr) -> [u8; 6] {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            [0x02, 0xc4, o[0], o[1], o[2], o[3]]
        }
        IpAddr::V6(a) => {
            let mut folded = [0u8; 4];
            for (i, b) in a.octets().iter().enumerate() {
                folded[i % 4] ^= b;
            }
            [0x02, 0xc6, folded[0], folded[1], folded[2], folded[3]]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::internet_checksum;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    /// Splits a pcap file into (timestamp µs, frame) records.
    fn records(pcap: &[u8]) -> Vec<(u64, &[u8])> {
        let mut out = Vec::new();
        let mut p = &pcap[24..];
        while !p.is_empty() {
            let u = |i: usize| u32::from_le_bytes(p[i..i + 4].try_into().unwrap());
            let ts = u64::from(u(0)) * 1_000_000 + u64::from(u(4));
            let len = u(8) as usize;
            assert_eq!(len, u(12) as usize);
            out.push((ts, &p[16..16 + len]));
            p = &p[16 + len..];
        }
        out
    }

    #[test]
    fn global_header() {
        let b = Capture::new().bytes();
        assert_eq!(
            b,
            [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0]
        );
    }

    #[test]
    fn handshake_data_and_close_sequence_numbers() {
        let mut cap = Capture::new();
        let mut flow = cap.tcp_flow(addr("192.0.2.10:50000"), addr("198.51.100.1:7547"));
        flow.mss = 4;
        cap.send(&mut flow, Dir::ClientToServer, b"0123456789");
        cap.send(&mut flow, Dir::ServerToClient, b"ok");
        cap.close(&mut flow);
        let recs = records(cap.as_bytes());
        // 3 handshake + 3 data + ACK + 1 data + ACK + 3 close.
        assert_eq!(recs.len(), 12);
        assert_eq!(cap.packet_count(), 12);
        let tcp = |i: usize| {
            let f = recs[i].1;
            let t = &f[34..];
            let be = |j: usize| u32::from_be_bytes(t[j..j + 4].try_into().unwrap());
            (
                be(4),
                be(8),
                t[13],
                f.len() - 34 - usize::from(t[12] >> 4) * 4,
            )
        };
        let (ci, si) = (0x0001_0000u32, 0x8001_0000u32);
        assert_eq!(tcp(0), (ci, 0, SYN, 0));
        assert_eq!(tcp(1), (si, ci + 1, SYN | ACK, 0));
        assert_eq!(tcp(2), (ci + 1, si + 1, ACK, 0));
        assert_eq!(tcp(3), (ci + 1, si + 1, ACK, 4));
        assert_eq!(tcp(4), (ci + 5, si + 1, ACK, 4));
        assert_eq!(tcp(5), (ci + 9, si + 1, ACK | PSH, 2));
        assert_eq!(tcp(6), (si + 1, ci + 11, ACK, 0));
        assert_eq!(tcp(7), (si + 1, ci + 11, ACK | PSH, 2));
        assert_eq!(tcp(8), (ci + 11, si + 3, ACK, 0));
        assert_eq!(tcp(9), (ci + 11, si + 3, FIN | ACK, 0));
        assert_eq!(tcp(10), (si + 3, ci + 12, FIN | ACK, 0));
        assert_eq!(tcp(11), (ci + 12, si + 4, ACK, 0));
        // IPv4 header checksums verify and identifications increase.
        for (i, (_, f)) in recs.iter().enumerate() {
            assert_eq!(internet_checksum(&f[14..34]), 0);
            assert_eq!(u16::from_be_bytes([f[18], f[19]]), i as u16 + 1);
        }
    }

    #[test]
    fn clock_steps_and_advances() {
        let mut cap = Capture::new();
        cap.set_step(Duration::from_millis(1));
        let (a, b) = (addr("192.0.2.10:5000"), addr("198.51.100.1:5000"));
        cap.udp(a, b, b"x");
        cap.advance(Duration::from_millis(2500));
        cap.udp(b, a, b"y");
        let recs = records(cap.as_bytes());
        let start = DEFAULT_START.as_micros() as u64;
        assert_eq!(recs[0].0, start);
        assert_eq!(recs[1].0, start + 1_000 + 2_500_000);
    }

    #[test]
    fn ipv6_frames() {
        let mut cap = Capture::new();
        let (a, b) = (addr("[2001:db8::10]:5000"), addr("[2001:db8::1]:5000"));
        cap.udp(a, b, b"hello");
        let recs = records(cap.as_bytes());
        let f = recs[0].1;
        assert_eq!(f.len(), 14 + 40 + 8 + 5);
        assert_eq!(&f[12..14], &[0x86, 0xdd]);
        assert_ne!(&f[0..6], &f[6..12]);
        assert_eq!(f[20], PROTO_UDP);
        assert_eq!(f[21], 64);
    }

    #[test]
    fn window_never_overrun_on_large_sends() {
        let mut cap = Capture::new();
        let mut flow = cap.tcp_flow(addr("192.0.2.10:50000"), addr("198.51.100.1:7547"));
        let body = vec![b'a'; 3 * 1024 * 1024 + 7];
        cap.send(&mut flow, Dir::ServerToClient, &body);
        let mut in_flight = 0usize;
        for (_, f) in records(cap.as_bytes()).into_iter().skip(3) {
            let t = &f[34..];
            let data = f.len() - 54;
            if t[0..2] == 7547u16.to_be_bytes() {
                in_flight += data;
                assert!(in_flight <= usize::from(WINDOW));
            } else {
                assert_eq!(data, 0);
                in_flight = 0;
            }
        }
        assert_eq!(in_flight, 0, "last packet must be the client's ACK");
    }
}
