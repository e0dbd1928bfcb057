/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cwmp_views.h - the interface between the Rust views store (src/views.rs, src/ffi/views.rs) and the C
 * glue that shows it (cwmp_views.c): Flow Graph arrows, export objects and change-log rows of one frame.
 *
 * Our own header. Rust fills a cwmp_view_t for a frame and keeps ownership of everything it points to
 * until cwmp_rs_view_free; every string is NUL-terminated.
 */
#ifndef CWMP_VIEWS_H
#define CWMP_VIEWS_H

#include <stdint.h>

#include <epan/packet.h>

/* One Flow Graph arrow. */
typedef struct cwmp_view_arrow {
    int32_t from_cpe;          /* drawn from the CPE to the ACS */
    const char *device;        /* the device's node label; "" when unknown (its address is used) */
    const char *label;
    const char *comment;
} cwmp_view_arrow_t;

/* An envelope to export: the CWMP body number `index` of the frame. */
typedef struct cwmp_view_envelope {
    uint32_t index;
    const char *name;
    const char *device;
} cwmp_view_envelope_t;

/* A parameter snapshot to export (CSV text). */
typedef struct cwmp_view_snapshot {
    const char *name;
    const char *device;
    const uint8_t *data;
    uint32_t len;
} cwmp_view_snapshot_t;

/* Number of columns of the change log: time, frame, device, action, target, value, result. */
#define CWMP_CHANGE_COLUMNS 7

/* One change-log row; cells are escaped for tab-separated output. */
typedef struct cwmp_view_change {
    uint32_t frame;
    const char *cells[CWMP_CHANGE_COLUMNS];
} cwmp_view_change_t;

/* Everything the views show for one frame. */
typedef struct cwmp_view {
    const cwmp_view_arrow_t *arrows;
    uint32_t n_arrows;
    const cwmp_view_envelope_t *envelopes;
    uint32_t n_envelopes;
    const cwmp_view_snapshot_t *snapshots;
    uint32_t n_snapshots;
    const cwmp_view_change_t *changes;
    uint32_t n_changes;
    uint32_t answers;          /* the request frame whose change rows this frame answered; 0: none */
} cwmp_view_t;

/* Implemented in Rust (src/ffi/views.rs). Never throw, never unwind. */
/* The views of `frame`; NULL when it shows nothing (or on an internal error). */
cwmp_view_t *cwmp_rs_view(uint32_t frame);
void cwmp_rs_view_free(cwmp_view_t *view);
/* The header line of the change log (static text). */
const char *cwmp_rs_changes_header(void);
/* The TCP connection `stream` (conversation index) closed in `frame`: a session open on it ended. */
void cwmp_rs_views_close(uint32_t frame, uint32_t stream, int32_t visited);
/* 1 when `frame` has envelopes or snapshots to export. */
int32_t cwmp_rs_view_has_objects(uint32_t frame);
void cwmp_rs_views_reset(void);
/* The device table: a header line, then one tab-separated row per device; NULL on error. */
char *cwmp_rs_devices_tsv(void);
/* The device-table row of the device `frame` belongs to; NULL when none. */
char *cwmp_rs_device_row(uint32_t frame);
void cwmp_rs_string_free(char *s);

/* Implemented in C (cwmp_views.c). */
/* Registers the Flow Graph, the export-objects table and the change log; from proto_register. */
void cwmp_views_register(int proto);
/* Looks up the TCP fields the views' postdissector reads; from the handoff. */
void cwmp_views_handoff(void);
/* Remembers the bytes of CWMP body number `index` of this frame for the export-objects table. */
void cwmp_views_note_body(packet_info *pinfo, const uint8_t *body, uint32_t len, uint32_t index);

#endif /* CWMP_VIEWS_H */
