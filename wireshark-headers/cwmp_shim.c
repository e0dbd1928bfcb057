/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cwmp_shim.c - the C side of the CWMP plugin.
 *
 * Why C: Wireshark reports errors with setjmp/longjmp. A longjmp across Rust frames is undefined
 * behaviour, so every Wireshark call that can throw happens here, with no Rust frame on the stack:
 *   1. the entry points below copy what Rust needs into a cwmp_input_t and call cwmp_rs_dissect();
 *   2. Rust parses and returns a flat list of tree operations, then returns (no Rust frame remains);
 *   3. replay() adds the items inside TRY; the Rust output is released in FINALLY whatever happens. As
 *      in any dissector that calls others, the non-fatal errors (ReportedBoundsError and its kin) are
 *      shown with show_exception(), and every other exception (BoundsError of a short capture,
 *      DissectorError of a tree limit) propagates exactly as it would from stock HTTP or XML.
 * Registration follows the same rule: Rust only builds the tables (cwmp_rs_tables), and the shim's own
 * registration callbacks hand them to Wireshark.
 * This file also holds Wireshark's initialiser macros (HFILL, EXPFILL) and everything that differs
 * between Wireshark versions, in the "Version differences" section.
 */
#include <string.h>

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/uat.h>
#include <wsutil/filesystem.h>
#include <epan/exceptions.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <epan/show_exception.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-http.h>
#include <epan/dissectors/packet-tls.h>
#include <epan/dissectors/packet-xml.h>
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#include <epan/dissectors/packet-media-type.h>
#endif

#include "cwmp_shim.h"
#include "cwmp_views.h"

/* ---- Version differences (keep them all here) -------------------------------------------------- */

#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
typedef bool cwmp_pref_bool;   /* prefs_register_bool_preference takes bool* from 4.4 on */
typedef bool cwmp_heur_ret;    /* heur_dissector_t returns bool from 4.4 on */
#else
typedef gboolean cwmp_pref_bool;
typedef gboolean cwmp_heur_ret;
#endif

/* Request or response, and the Content-Type parameters, from the data HTTP passes to body
 * subdissectors: http_message_info_t in 4.0, media_content_info_t from 4.2 on. */
static void http_info(void *data, int32_t *kind, const char **params)
{
    *kind = CWMP_HTTP_UNKNOWN;
    *params = NULL;
    if (data == NULL)
        return;
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
    {
        const media_content_info_t *m = (const media_content_info_t *)data;
        if (m->type == MEDIA_CONTAINER_HTTP_REQUEST)
            *kind = CWMP_HTTP_REQUEST;
        else if (m->type == MEDIA_CONTAINER_HTTP_RESPONSE)
            *kind = CWMP_HTTP_RESPONSE;
        *params = m->media_str;
    }
#else
    {
        const http_message_info_t *m = (const http_message_info_t *)data;
        if (m->type == HTTP_REQUEST)
            *kind = CWMP_HTTP_REQUEST;
        else if (m->type == HTTP_RESPONSE)
            *kind = CWMP_HTTP_RESPONSE;
        *params = m->media_str;
    }
#endif
}

/* A field's value inside a field_info: embedded in 4.0, a pointer from 4.2 on. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#define CWMP_FVALUE(fi) ((fi)->value)
#else
#define CWMP_FVALUE(fi) (&(fi)->value)
#endif

/* ---- Registration helpers ---------------------------------------------------------------------- */

void cwmp_shim_fill_hf(hf_register_info *hf, int *p_id, const char *name, const char *abbrev,
                       int type, int display, const void *strings, const char *blurb)
{
    hf_register_info v = { p_id, { name, abbrev, (enum ftenum)type, display, strings, 0, blurb, HFILL } };
    *hf = v;
}

void cwmp_shim_fill_ei(ei_register_info *ei, expert_field *ids, const char *name, int group,
                       int severity, const char *summary)
{
    ei_register_info v = { ids, { name, group, severity, summary, EXPFILL } };
    *ei = v;
}

/* ---- Preferences --------------------------------------------------------------------------------- */

static int proto_cwmp = -1;
static dissector_handle_t xml_handle;
static dissector_handle_t cwmp_media_handle;
static dissector_handle_t cwmp_port_handle;
static dissector_handle_t cwmp_post_handle;

static cwmp_pref_bool pref_xml_tree = TRUE;
static gboolean handoff_done;
static guint pref_max_body = 64 * 1024 * 1024;
static guint pref_max_depth = 64;
static guint pref_max_items = 400000;

#define CWMP_TCP_PORTS "7547"
#define CWMP_TLS_PORT 7548
#define CWMP_UDP_PORT 7547

/* TCP ports carrying CWMP over HTTP, and the TLS port, as preferences; what is registered now. */
static range_t *pref_tcp_ports;
static range_t *registered_tcp_ports;
static guint pref_tls_port = CWMP_TLS_PORT;
static guint registered_tls_port;
static const char *pref_cr_password = "";
static const char *pref_acs_password = "";
static guint pref_connreq_timeout = 30;
static const char *pref_datamodel_path = "";
static dissector_handle_t http_tls_handle;
static dissector_handle_t cwmp_udp_handle;
static int cwmp_tap_id = -1;

/* HTTP fields the postdissector reads (looked up at handoff). */
static int hf_http_request_method = -1;
static int hf_http_response_code = -1;
static int hf_http_file_data = -1;
static int hf_http_location = -1;
/* Header fields of the authentication and cookie checks, wanted only while cwmp.http_checks is on or
 * the cwmp_credentials table has records. */
static int hf_http_uri = -1;
static int hf_http_authorization = -1;
static int hf_http_www_authenticate = -1;
static int hf_http_cookie = -1;
static int hf_http_set_cookie = -1;
static cwmp_pref_bool pref_http_checks = FALSE;

/* ---- The cwmp_credentials table (UAT): user names and passwords ---------------------------------- */

typedef struct cwmp_credential {
    char *username;
    char *password;
} cwmp_credential_t;

static cwmp_credential_t *credentials;
static guint n_credentials;

UAT_CSTRING_CB_DEF(cwmp_cred, username, cwmp_credential_t)
UAT_CSTRING_CB_DEF(cwmp_cred, password, cwmp_credential_t)

static void *cred_copy(void *dest, const void *orig, size_t len _U_)
{
    cwmp_credential_t *d = (cwmp_credential_t *)dest;
    const cwmp_credential_t *o = (const cwmp_credential_t *)orig;
    d->username = g_strdup(o->username);
    d->password = g_strdup(o->password);
    return d;
}

static void cred_free(void *r)
{
    cwmp_credential_t *c = (cwmp_credential_t *)r;
    g_free(c->username);
    g_free(c->password);
}

static void set_wanted_fields(void);

/* After every change of the table: Rust keeps a copy of the records, and the header fields become
 * wanted (or not). */
static void cred_post_update(void)
{
    const char **users = g_new0(const char *, n_credentials + 1);
    const char **passwords = g_new0(const char *, n_credentials + 1);
    for (guint k = 0; k < n_credentials; k++) {
        users[k] = credentials[k].username;
        passwords[k] = credentials[k].password;
    }
    cwmp_rs_set_credentials(users, passwords, n_credentials);
    g_free(users);
    g_free(passwords);
    set_wanted_fields();
}

/* The header checks run with credentials configured or with cwmp.http_checks on. */
static gboolean http_checks_on(void)
{
    return pref_http_checks || n_credentials > 0;
}
/* Fields of file fetches (preference cwmp.follow_file_fetch), looked up at handoff. */
static cwmp_pref_bool pref_follow_file_fetch = FALSE;
static int hf_http_full_uri = -1;
static int hf_http_request_in = -1;
static int hf_ftp_command = -1;
static int hf_ftp_arg = -1;
static int hf_ftp_code = -1;
static int hf_tftp_opcode = -1;
static int hf_tftp_source = -1;
static int hf_tftp_destination = -1;
static int hf_tftp_error = -1;

/* ---- Replaying the tree -------------------------------------------------------------------------- */

#define CWMP_MAX_DEPTH 128

static void replay(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const cwmp_op_t *ops, uint32_t n)
{
    proto_tree *stack[CWMP_MAX_DEPTH + 1];
    int depth = 0;
    int skipped = 0; /* pushes beyond CWMP_MAX_DEPTH, undone by their pops */
    proto_item *last = NULL;
    stack[0] = tree;
    for (uint32_t k = 0; k < n; k++) {
        const cwmp_op_t *op = &ops[k];
        proto_tree *t = stack[depth];
        proto_item *item = NULL;
        switch (op->code) {
        case CWMP_OP_PROTOCOL:
        case CWMP_OP_NONE:
            item = proto_tree_add_item(t, op->id, tvb, op->start, op->length, ENC_NA);
            break;
        case CWMP_OP_STRING:
            item = proto_tree_add_string(t, op->id, tvb, op->start, op->length, op->str);
            break;
        case CWMP_OP_UINT:
            item = proto_tree_add_uint(t, op->id, tvb, op->start, op->length, (guint32)op->u);
            break;
        case CWMP_OP_INT:
            item = proto_tree_add_int(t, op->id, tvb, op->start, op->length, (gint32)op->i);
            break;
        case CWMP_OP_UINT64:
            item = proto_tree_add_uint64(t, op->id, tvb, op->start, op->length, op->u);
            break;
        case CWMP_OP_INT64:
            item = proto_tree_add_int64(t, op->id, tvb, op->start, op->length, op->i);
            break;
        case CWMP_OP_BOOLEAN:
            item = proto_tree_add_boolean(t, op->id, tvb, op->start, op->length, op->u ? 1 : 0);
            break;
        case CWMP_OP_TIME: {
            /* Rust gives nanoseconds in 0..1e9 below the (floor) seconds; nstime wants both parts of
             * the same sign: -1 s + 0.5e9 ns is -0 s - 0.5e9 ns. */
            nstime_t ts;
            ts.secs = (time_t)op->i;
            ts.nsecs = op->nanos;
            if (ts.secs < 0 && ts.nsecs > 0) {
                ts.secs += 1;
                ts.nsecs -= 1000000000;
            }
            item = proto_tree_add_time(t, op->id, tvb, op->start, op->length, &ts);
            break;
        }
        case CWMP_OP_PUSH:
            if (skipped > 0 || depth >= CWMP_MAX_DEPTH) {
                skipped++;
            } else {
                stack[depth + 1] = proto_item_add_subtree(last, op->id);
                depth++;
            }
            continue;
        case CWMP_OP_POP:
            if (skipped > 0)
                skipped--;
            else if (depth > 0)
                depth--;
            continue;
        case CWMP_OP_EXPERT:
            expert_add_info_format(pinfo, last, op->ei, "%s", op->str);
            continue;
        default:
            continue;
        }
        if (op->generated)
            proto_item_set_generated(item);
        if (op->label != NULL)
            proto_item_set_text(item, "%s", op->label);
        last = item;
    }
}

/* ---- Dissection entry points --------------------------------------------------------------------- */

static gboolean cwmp_enabled(void)
{
    return proto_cwmp != -1 && proto_is_protocol_enabled(find_protocol_by_id(proto_cwmp));
}

/* The frame the per-frame counters below belong to; the postdissector ends every frame (frame_done), so
 * that re-dissecting a frame numbers its bodies and messages the same way. */
static guint32 counted_frame;
static guint32 frame_bodies;    /* CWMP bodies seen in the frame so far */
static guint32 frame_messages;  /* CWMP texts in the frame's Info column so far */

static void count_frame(packet_info *pinfo)
{
    if (counted_frame != pinfo->num) {
        counted_frame = pinfo->num;
        frame_bodies = 0;
        frame_messages = 0;
    }
}

static void frame_done(void)
{
    counted_frame = 0;
    frame_bodies = 0;
    frame_messages = 0;
}

/* Where a message's Info text goes. */
enum info_mode {
    INFO_BODY,   /* a CWMP body: replaces HTTP's line for its own message (HTTP has not fenced it yet) */
    INFO_FRAME,  /* the postdissector or a UDP datagram: replaces the frame's text, unless CWMP bodies of
                    the frame already wrote theirs */
    INFO_APPEND  /* appended to what other protocols wrote */
};

/* One CWMP message alone in its frame keeps exactly its own text; each further message of the frame is
 * appended, separated by ", ", and the text other protocols (or earlier HTTP messages) wrote stays. */
static void set_info(packet_info *pinfo, const char *text, enum info_mode mode)
{
    count_frame(pinfo);
    switch (mode) {
    case INFO_BODY:
        /* Drops HTTP's request or status line of this message only: text before HTTP's fence (earlier
         * messages of the frame) stays. */
        col_clear(pinfo->cinfo, COL_INFO);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", text);
        break;
    case INFO_FRAME:
        if (frame_messages == 0) {
            /* HTTP fences its request or status line once the message is done. */
            col_clear_fence(pinfo->cinfo, COL_INFO);
            col_clear(pinfo->cinfo, COL_INFO);
            col_add_str(pinfo->cinfo, COL_INFO, text);
        } else {
            col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", text);
        }
        break;
    case INFO_APPEND:
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", text);
        break;
    }
    frame_messages++;
}

/* The stream key of the frame's session state: Wireshark's conversation index. A body without a
 * conversation (exported PDUs, a dissector called by name) gets a key of its own, from its frame number,
 * above any conversation index a capture reaches; all bodies of one frame share it. */
static uint32_t stream_of(packet_info *pinfo)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (conv != NULL)
        return conv->conv_index;
    return 0x80000000u | (pinfo->num & 0x7fffffffu);
}

/* The frame's IPv4 or IPv6 address, for matching devices by address across connections. */
static void fill_addr(cwmp_addr_t *out, const address *a)
{
    memset(out, 0, sizeof *out);
    if (a->type == AT_IPv4 && a->len == 4) {
        out->family = 4;
        memcpy(out->bytes, a->data, 4);
    } else if (a->type == AT_IPv6 && a->len == 16) {
        out->family = 6;
        memcpy(out->bytes, a->data, 16);
    }
}

static const char *pool_str(packet_info *pinfo, const char *s)
{
    return s != NULL ? wmem_strdup(pinfo->pool, s) : NULL;
}

/* Queues the output's tap records; copies live in pinfo->pool until the taps have run. */
static void queue_taps(packet_info *pinfo, const cwmp_output_t *out)
{
    if (cwmp_tap_id < 0)
        return;
    for (uint32_t k = 0; k < out->n_taps; k++) {
        cwmp_tap_t *t = wmem_new(pinfo->pool, cwmp_tap_t);
        *t = out->taps[k];
        t->method = pool_str(pinfo, t->method);
        t->events = pool_str(pinfo, t->events);
        t->fault_name = pool_str(pinfo, t->fault_name);
        t->oui = pool_str(pinfo, t->oui);
        t->product_class = pool_str(pinfo, t->product_class);
        t->request_method = pool_str(pinfo, t->request_method);
        tap_queue_packet(cwmp_tap_id, pinfo, t);
    }
}

static int proto_xml = -1;
static int hf_frame_protocols = -1;
static int expert_tap_id = 0; /* 0: not found (tap ids start at 1) */

/* Whether anyone can read what the XML dissector would add below a CWMP body: a visible tree; an
 * invisible one where an xml field is referenced (a filter, a column, -e, a Lua field) or protocols
 * are not faked; frame.protocols referenced (its xml layer); a tap listener that reads the tree (the
 * protocol hierarchy statistics count its protocol items); or an expert listener (the XML dissector's
 * own expert items). Otherwise the XML dissector's work is invisible, and skipping it is most of what
 * makes summary lines cheap. */
static gboolean xml_wanted(proto_tree *tree)
{
    if (tree == NULL)
        return FALSE;
    if (proto_xml < 0 || proto_field_is_referenced(tree, proto_xml))
        return TRUE;
    if (hf_frame_protocols < 0 || proto_field_is_referenced(tree, hf_frame_protocols))
        return TRUE;
    if ((union_of_tap_listener_flags() & TL_REQUIRES_PROTO_TREE) != 0)
        return TRUE;
    /* The expert tap is registered after our handoff; without it, no expert listener exists. */
    if (expert_tap_id <= 0)
        expert_tap_id = find_tap_id("expert");
    return expert_tap_id > 0 && have_tap_listener(expert_tap_id);
}

/* Shows one Rust output and frees it: queues its tap records, replays its tree operations, runs the
 * XML dissector below a CWMP body when that tree can be read (is_body; xml_data is HTTP's data for it,
 * maybe NULL) and sets the columns. Every Wireshark call that can throw runs inside TRY, with no Rust
 * frame on the stack. Non-fatal errors are shown where they happened, as any dissector that calls
 * others does; everything else propagates as it would from stock HTTP or XML. The output is released
 * (and the columns set) in FINALLY, on every path.
 * Returns FALSE, having freed it, when the output does not claim the packet. */
static gboolean show_output(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cwmp_output_t *out,
                            gboolean is_body, void *xml_data, enum info_mode info)
{
    if (out == NULL)
        return FALSE;
    if (!out->claimed) {
        cwmp_rs_free(out);
        return FALSE;
    }
    queue_taps(pinfo, out);
    TRY {
        replay(tvb, pinfo, tree, out->ops, out->n_ops);
        /* The XML tree of a CWMP body whenever someone can read it (xml_wanted). With XML disabled,
         * nothing (not the data dissector). */
        if (is_body && out->want_xml && xml_handle != NULL && xml_wanted(tree))
            call_dissector_only(xml_handle, tvb, pinfo, tree, xml_data);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    FINALLY {
        /* After the XML dissector, which sets its own protocol column. */
        col_set_str(pinfo->cinfo, COL_PROTOCOL, "CWMP");
        /* Nothing to say (the authentication items of a message without a session event): the
         * Info column stays as it is. */
        if (out->info != NULL && out->info[0] != '\0')
            set_info(pinfo, out->info, info);
        cwmp_rs_free(out);
    }
    ENDTRY;
    return TRUE;
}

/* Where data-model XML files are read from: the personal configuration folder's cwmp/datamodels, the
 * global data folder's cwmp/datamodels, then the folders of the cwmp.datamodel_path preference, joined
 * with the platform's path-list separator. Rebuilt when the preference changes; the Rust side loads
 * the files at first need and again whenever this list changes. */
static char *dm_dirs;
static char *dm_dirs_pref;

static const char *datamodel_dirs(void)
{
    const char *pref = pref_datamodel_path != NULL ? pref_datamodel_path : "";
    if (dm_dirs == NULL || dm_dirs_pref == NULL || strcmp(dm_dirs_pref, pref) != 0) {
        char *pers = get_persconffile_path("cwmp" G_DIR_SEPARATOR_S "datamodels", FALSE);
        char *global = get_datafile_path("cwmp" G_DIR_SEPARATOR_S "datamodels");
        g_free(dm_dirs);
        g_free(dm_dirs_pref);
        dm_dirs = g_strjoin(G_SEARCHPATH_SEPARATOR_S, pers, global, pref, NULL);
        dm_dirs_pref = g_strdup(pref);
        g_free(pers);
        g_free(global);
    }
    return dm_dirs;
}

/* Whether anyone reads the data-model annotation (cwmp.dm and the cwmp.dm.* fields below it): a
 * visible tree, or one of those fields referenced by a filter, a column or -e. Otherwise only the
 * data-model expert items are built. The field ids are found once, by name prefix. */
static int dm_hfs[32];
static int n_dm_hfs = -1;

static gboolean dm_tree_read(proto_tree *tree)
{
    if (tree == NULL)
        return FALSE;
    if (n_dm_hfs < 0) {
        void *cookie = NULL;
        n_dm_hfs = 0;
        for (header_field_info *h = proto_get_first_protocol_field(proto_cwmp, &cookie);
             h != NULL && n_dm_hfs < (int)G_N_ELEMENTS(dm_hfs);
             h = proto_get_next_protocol_field(proto_cwmp, &cookie)) {
            if (strcmp(h->abbrev, "cwmp.dm") == 0 || strncmp(h->abbrev, "cwmp.dm.", 8) == 0)
                dm_hfs[n_dm_hfs++] = h->id;
        }
    }
    for (int k = 0; k < n_dm_hfs; k++) {
        if (proto_field_is_referenced(tree, dm_hfs[k]))
            return TRUE;
    }
    return FALSE;
}

/* Dissects one HTTP body. Returns the bytes consumed, or 0 when the body is not CWMP. */
static int dissect_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data, int via)
{
    cwmp_input_t in;
    cwmp_output_t *out;
    guint captured = tvb_captured_length(tvb);

    if (captured == 0)
        return 0;
    memset(&in, 0, sizeof in);
    /* Within the captured length this cannot throw. */
    in.body = tvb_get_ptr(tvb, 0, (gint)captured);
    in.captured_len = captured;
    in.reported_len = tvb_reported_length(tvb);
    in.via = via;
    http_info(data, &in.http_kind, &in.media_params);
    in.frame = pinfo->num;
    count_frame(pinfo);
    in.index = frame_bodies++;
    in.stream = stream_of(pinfo);
    in.ts_secs = (int64_t)pinfo->abs_ts.secs;
    in.ts_nsecs = pinfo->abs_ts.nsecs;
    in.visited = PINFO_FD_VISITED(pinfo) ? 1 : 0;
    fill_addr(&in.src, &pinfo->src);
    fill_addr(&in.dst, &pinfo->dst);
    /* A tree someone reads: visible, or invisible with a CWMP field referenced by a filter, a column
     * or -e (priming marks the protocol as indirectly referenced). Otherwise only the protocol item
     * and expert items are built; the session state is updated all the same. */
    in.has_tree = tree != NULL && proto_field_is_referenced(tree, proto_cwmp);
    in.pref_xml_tree = pref_xml_tree ? 1 : 0;
    in.pref_max_body = pref_max_body;
    in.pref_max_depth = pref_max_depth;
    in.pref_max_items = pref_max_items;
    in.datamodel_dirs = datamodel_dirs();
    in.dm_tree = in.has_tree && dm_tree_read(tree);

    out = cwmp_rs_dissect(&in);
    if (!show_output(tvb, pinfo, tree, out, TRUE, data, INFO_BODY))
        return 0;
    cwmp_views_note_body(pinfo, in.body, captured, in.index);
    return (int)captured;
}

/* Media types we take over from their stock dissector, and that dissector (found at handoff). Real
 * CPEs label CWMP bodies with wrong types (text/html, text/plain, ...), so those are checked too; a body
 * that is not CWMP goes to the handle HTTP would have used without us. Types no dissector claims need
 * no hook: they reach the "http" heuristic list. */
static const char *const cwmp_media_types[] = {
    "text/xml", "application/xml", "application/soap+xml", "text/html", "text/plain",
    "application/octet-stream", "application/x-www-form-urlencoded",
};
#define CWMP_N_MEDIA_TYPES (sizeof cwmp_media_types / sizeof cwmp_media_types[0])
static dissector_handle_t stock_media_handles[CWMP_N_MEDIA_TYPES];

/* Hands a body that is not ours to the dissector HTTP would have called for its media type. When that
 * dissector refuses it (its protocol disabled, say), 0 tells HTTP so, and HTTP runs its own fallback
 * (its "subdissector failed" note, the heuristics, then Media Type) exactly as without us. */
static int to_stock(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    dissector_handle_t h = xml_handle;
    if (pinfo->match_string != NULL) {
        for (size_t k = 0; k < CWMP_N_MEDIA_TYPES; k++) {
            if (strcmp(pinfo->match_string, cwmp_media_types[k]) == 0) {
                h = stock_media_handles[k];
                break;
            }
        }
    }
    if (h == NULL)
        return 0;
    return call_dissector_only(h, tvb, pinfo, tree, data);
}

/* media_type table (text/xml, ...): protocol-less handle, so HTTP never sees a "failed" 0 for the
 * bodies we hand on. CWMP bodies go through the protocol's own handle so that "cwmp" becomes a layer
 * of the frame (frame.protocols) exactly as on the other paths. */
static int dissect_media(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    int n;
    if (!cwmp_enabled())
        return to_stock(tvb, pinfo, tree, data);
    n = call_dissector_only(cwmp_port_handle, tvb, pinfo, tree, data);
    if (n > 0)
        return n;
    return to_stock(tvb, pinfo, tree, data);
}

/* The protocol's handle: http.port table (TCP 7547), and the media-type hook above. */
static int dissect_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_body(tvb, pinfo, tree, data, CWMP_VIA_PORT);
}

/* "http" heuristic list: any port, any or no content type; the body decides. */
static cwmp_heur_ret dissect_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_body(tvb, pinfo, tree, data, CWMP_VIA_HEURISTIC) > 0;
}

/* ---- Empty HTTP messages: the postdissector ------------------------------------------------------ */

/* Body subdissectors never see empty HTTP messages (empty POST, 204, 401, ...), yet they carry the
 * session's story. This postdissector reads HTTP's own fields of the frame (wanted hfids, so they are
 * present even without a visible tree) and lets the session logic mark them. */
static const char *finfo_string(GPtrArray *a, guint k)
{
    field_info *fi;
    if (a == NULL || k >= a->len)
        return NULL;
    fi = (field_info *)g_ptr_array_index(a, k);
    return fi != NULL ? (const char *)fvalue_get_string(CWMP_FVALUE(fi)) : NULL;
}

static guint32 finfo_uint(GPtrArray *a, guint k)
{
    field_info *fi;
    if (a == NULL || k >= a->len)
        return 0;
    fi = (field_info *)g_ptr_array_index(a, k);
    return fi != NULL ? fvalue_get_uinteger(CWMP_FVALUE(fi)) : 0;
}

/* The HTTP message that an item of the frame (a header, a body) belongs to: the message whose request
 * method or status code item is the last one before it in the same data source (field_info offsets are
 * offsets into the data source). -1 when none, e.g. for a de-chunked or decompressed body, which lives
 * in a data source of its own. */
static int message_of(const field_info *const *lines, guint n, const field_info *item)
{
    int best = -1;
    gint best_start = -1;
    if (item == NULL)
        return -1;
    for (guint k = 0; k < n; k++) {
        const field_info *l = lines[k];
        if (l != NULL && l->ds_tvb == item->ds_tvb && l->start <= item->start && l->start >= best_start) {
            best = (int)k;
            best_start = l->start;
        }
    }
    return best;
}

static const field_info *finfo_at(GPtrArray *a, guint k)
{
    return a != NULL && k < a->len ? (const field_info *)g_ptr_array_index(a, k) : NULL;
}

#define CWMP_MAX_HTTP_MSGS 16

/* Key of the per-frame mark (p_add_proto_data, file scope) that the first pass leaves on frames whose
 * HTTP messages the session logic kept: later passes look only at those. */
#define CWMP_MARK_HTTP 0

/* XMPP connection requests (Annex K). Wireshark's XMPP dissector parses stanzas with the XML
 * dissector, which leaves the tree it parsed (xml_frame_t) in the packet's proto data; this works on
 * reassembled and decrypted stanzas alike. */
static const char XMPP_CONNREQ_NS[] = "urn:broadband-forum-org:cwmp:xmppConnReq-1-0";

static gboolean xml_name_is(const xml_frame_t *f, int type, const char *name)
{
    return f->type == type && f->name != NULL && g_ascii_strcasecmp(f->name, name) == 0;
}

/* The xmlns attribute of a connectionRequest element inside an <iq>, searched a few levels down (the
 * stanza may sit inside the stream element); NULL when there is none. */
static const xml_frame_t *find_conn_req_ns(const xml_frame_t *f, int depth)
{
    if (f == NULL || depth > 4)
        return NULL;
    for (const xml_frame_t *c = f->first_child; c != NULL; c = c->next_sibling) {
        if (xml_name_is(c, XML_FRAME_TAG, "iq")) {
            for (const xml_frame_t *k = c->first_child; k != NULL; k = k->next_sibling) {
                if (!xml_name_is(k, XML_FRAME_TAG, "connectionRequest"))
                    continue;
                for (const xml_frame_t *a = k->first_child; a != NULL; a = a->next_sibling) {
                    if (xml_name_is(a, XML_FRAME_ATTRIB, "xmlns") && a->value != NULL)
                        return a;
                }
            }
        } else if (c->type == XML_FRAME_TAG) {
            const xml_frame_t *found = find_conn_req_ns(c, depth + 1);
            if (found != NULL)
                return found;
        }
    }
    return NULL;
}

static int dissect_xmpp_frame(packet_info *pinfo, proto_tree *tree)
{
    const xml_frame_t *root, *ns;
    tvbuff_t *ds;
    cwmp_output_t *out;
    cwmp_xmpp_input_t xin;
    guint captured;
    gint ns_len;

    if (proto_xml < 0)
        return 0;
    root = (const xml_frame_t *)p_get_proto_data(pinfo->pool, pinfo, proto_xml, 0);
    ns = find_conn_req_ns(root, 0);
    if (ns == NULL)
        return 0;
    ns_len = tvb_captured_length(ns->value);
    if (ns_len != (gint)strlen(XMPP_CONNREQ_NS) ||
        tvb_memeql(ns->value, 0, (const guint8 *)XMPP_CONNREQ_NS, (size_t)ns_len) != 0)
        return 0;
    /* The bytes the stanza was parsed from (the frame, a reassembled or a decrypted buffer): Rust finds
     * the stanza in them and gives offsets into them. */
    ds = tvb_get_ds_tvb(ns->value);
    captured = ds != NULL ? tvb_captured_length(ds) : 0;
    if (captured == 0)
        return 0;
    /* Within the captured length this cannot throw. */
    memset(&xin, 0, sizeof xin);
    xin.data = tvb_get_ptr(ds, 0, (gint)captured);
    xin.len = captured;
    xin.frame = pinfo->num;
    xin.ts_secs = (int64_t)pinfo->abs_ts.secs;
    xin.ts_nsecs = pinfo->abs_ts.nsecs;
    xin.visited = PINFO_FD_VISITED(pinfo) ? 1 : 0;
    out = cwmp_rs_xmpp(&xin);
    if (!show_output(ds, pinfo, tree, out, FALSE, NULL, INFO_APPEND))
        return 0;
    return (int)captured;
}

/* What the frame's non-CWMP traffic says about file fetches: HTTP requests and responses, FTP RETR/STOR
 * and replies, TFTP requests and errors. Read from the fields' values only; cannot throw. */
static guint file_facts(packet_info *pinfo, proto_tree *tree, cwmp_file_fact_t *facts)
{
    GPtrArray *a, *b;
    guint n = 0;
    const char *server;

    if (!pref_follow_file_fetch || tree == NULL)
        return 0;
    server = address_to_str(pinfo->pool, &pinfo->dst);
    a = hf_http_full_uri >= 0 ? proto_get_finfo_ptr_array(tree, hf_http_full_uri) : NULL;
    for (guint k = 0; a != NULL && k < a->len && n < CWMP_MAX_FILE_FACTS; k++) {
        facts[n].kind = CWMP_FILE_FETCH;
        facts[n++].url = finfo_string(a, k);
    }
    a = hf_http_request_in >= 0 ? proto_get_finfo_ptr_array(tree, hf_http_request_in) : NULL;
    b = hf_http_response_code >= 0 ? proto_get_finfo_ptr_array(tree, hf_http_response_code) : NULL;
    for (guint k = 0; a != NULL && b != NULL && k < a->len && k < b->len && n < CWMP_MAX_FILE_FACTS; k++) {
        facts[n].kind = CWMP_FILE_HTTP_OUTCOME;
        facts[n].request_frame = finfo_uint(a, k);
        facts[n++].code = finfo_uint(b, k);
    }
    a = hf_ftp_command >= 0 ? proto_get_finfo_ptr_array(tree, hf_ftp_command) : NULL;
    b = hf_ftp_arg >= 0 ? proto_get_finfo_ptr_array(tree, hf_ftp_arg) : NULL;
    for (guint k = 0; a != NULL && b != NULL && k < a->len && k < b->len && n < CWMP_MAX_FILE_FACTS; k++) {
        const char *cmd = finfo_string(a, k);
        if (cmd == NULL || (g_ascii_strcasecmp(cmd, "RETR") != 0 && g_ascii_strcasecmp(cmd, "STOR") != 0))
            continue;
        facts[n].kind = CWMP_FILE_FETCH;
        facts[n++].url = wmem_strdup_printf(pinfo->pool, "ftp://%s/%s", server, finfo_string(b, k));
    }
    a = hf_ftp_code >= 0 ? proto_get_finfo_ptr_array(tree, hf_ftp_code) : NULL;
    for (guint k = 0; a != NULL && k < a->len && n < CWMP_MAX_FILE_FACTS; k++) {
        facts[n].kind = CWMP_FILE_FTP_REPLY;
        facts[n++].code = finfo_uint(a, k);
    }
    a = hf_tftp_opcode >= 0 ? proto_get_finfo_ptr_array(tree, hf_tftp_opcode) : NULL;
    for (guint k = 0; a != NULL && k < a->len && n < CWMP_MAX_FILE_FACTS; k++) {
        guint32 op = finfo_uint(a, k);
        GPtrArray *file = NULL;
        if (op == 1 && hf_tftp_source >= 0)
            file = proto_get_finfo_ptr_array(tree, hf_tftp_source);
        else if (op == 2 && hf_tftp_destination >= 0)
            file = proto_get_finfo_ptr_array(tree, hf_tftp_destination);
        if (file != NULL && file->len > 0) {
            facts[n].kind = CWMP_FILE_FETCH;
            facts[n++].url = wmem_strdup_printf(pinfo->pool, "tftp://%s/%s", server, finfo_string(file, 0));
        } else if (op == 5 && hf_tftp_error >= 0) {
            b = proto_get_finfo_ptr_array(tree, hf_tftp_error);
            if (b != NULL && b->len > 0) {
                facts[n].kind = CWMP_FILE_TFTP_ERROR;
                facts[n++].code = finfo_uint(b, 0);
            }
        }
    }
    return n;
}

/* The header values of the authentication and cookie checks, each given to the message it belongs to
 * (the first of a repeated header). Read from the fields' values only; cannot throw. */
static void header_values(proto_tree *tree, cwmp_http_msg_t *msgs, const field_info *const *lines, guint n)
{
    const struct {
        int hf;
        size_t offset;
        int requests;
    } headers[] = {
        { hf_http_uri, offsetof(cwmp_http_msg_t, uri), 1 },
        { hf_http_authorization, offsetof(cwmp_http_msg_t, authorization), 1 },
        { hf_http_cookie, offsetof(cwmp_http_msg_t, cookie), 1 },
        { hf_http_www_authenticate, offsetof(cwmp_http_msg_t, www_authenticate), 0 },
        { hf_http_set_cookie, offsetof(cwmp_http_msg_t, set_cookie), 0 },
    };
    for (size_t h = 0; h < G_N_ELEMENTS(headers); h++) {
        GPtrArray *a = headers[h].hf >= 0 ? proto_get_finfo_ptr_array(tree, headers[h].hf) : NULL;
        for (guint k = 0; a != NULL && k < a->len; k++) {
            int m = message_of(lines, n, finfo_at(a, k));
            const char **slot;
            if (m < 0 || msgs[m].is_request != headers[h].requests)
                continue;
            slot = (const char **)((char *)&msgs[m] + headers[h].offset);
            if (*slot == NULL)
                *slot = finfo_string(a, k);
        }
    }
}

static int dissect_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    GPtrArray *methods, *codes, *bodies, *locations;
    cwmp_http_msg_t msgs[CWMP_MAX_HTTP_MSGS];
    const field_info *lines[CWMP_MAX_HTTP_MSGS];
    cwmp_http_input_t in;
    cwmp_file_fact_t facts[CWMP_MAX_FILE_FACTS];
    cwmp_output_t *out;
    guint n_req, n_resp, n = 0, n_facts = 0;
    int claimed;

    if (proto_is_frame_protocol(pinfo->layers, "xmpp")) {
        claimed = dissect_xmpp_frame(pinfo, tree);
        frame_done();
        return claimed;
    }
    memset(msgs, 0, sizeof msgs);
    memset(facts, 0, sizeof facts);
    /* Later passes read what the first pass stored (HTTP's fields may not even be there then), and
     * only for the frames the first pass marked. */
    if (PINFO_FD_VISITED(pinfo)) {
        if (proto_cwmp < 0 || p_get_proto_data(wmem_file_scope(), pinfo, proto_cwmp, CWMP_MARK_HTTP) == NULL) {
            frame_done();
            return 0;
        }
    } else {
        if (tree == NULL || hf_http_request_method < 0 || hf_http_response_code < 0) {
            frame_done();
            return 0;
        }
        n_facts = file_facts(pinfo, tree, facts);
        methods = proto_get_finfo_ptr_array(tree, hf_http_request_method);
        codes = proto_get_finfo_ptr_array(tree, hf_http_response_code);
        n_req = methods != NULL ? methods->len : 0;
        n_resp = codes != NULL ? codes->len : 0;
        if (n_req == 0 && n_resp == 0 && n_facts == 0) {
            frame_done();
            return 0;
        }
        bodies = hf_http_file_data >= 0 ? proto_get_finfo_ptr_array(tree, hf_http_file_data) : NULL;
        locations = hf_http_location >= 0 ? proto_get_finfo_ptr_array(tree, hf_http_location) : NULL;
        /* One direction per frame: all requests or all responses. */
        for (guint k = 0; k < n_req && n < CWMP_MAX_HTTP_MSGS; k++, n++) {
            msgs[n].is_request = 1;
            msgs[n].method = finfo_string(methods, k);
            lines[n] = finfo_at(methods, k);
        }
        for (guint k = 0; k < n_resp && n < CWMP_MAX_HTTP_MSGS; k++, n++) {
            msgs[n].code = finfo_uint(codes, k);
            lines[n] = finfo_at(codes, k);
        }
        /* Each Location header and each body goes to the message it belongs to. A body in a data
         * source of its own (de-chunked, decompressed) goes to the first message still without one. */
        for (guint k = 0; locations != NULL && k < locations->len; k++) {
            int m = message_of(lines, n, finfo_at(locations, k));
            if (m >= 0 && !msgs[m].is_request && msgs[m].location == NULL)
                msgs[m].location = finfo_string(locations, k);
        }
        if (http_checks_on())
            header_values(tree, msgs, lines, n);
        for (guint k = 0; bodies != NULL && k < bodies->len; k++) {
            int m = message_of(lines, n, finfo_at(bodies, k));
            for (guint j = 0; m < 0 && j < n; j++) {
                if (!msgs[j].has_body)
                    m = (int)j;
            }
            if (m >= 0)
                msgs[m].has_body = 1;
        }
    }
    memset(&in, 0, sizeof in);
    in.frame = pinfo->num;
    in.stream = stream_of(pinfo);
    in.ts_secs = (int64_t)pinfo->abs_ts.secs;
    in.ts_nsecs = pinfo->abs_ts.nsecs;
    in.visited = PINFO_FD_VISITED(pinfo) ? 1 : 0;
    fill_addr(&in.src, &pinfo->src);
    fill_addr(&in.dst, &pinfo->dst);
    in.cwmp_port = pref_tcp_ports != NULL &&
                   (value_is_in_range(pref_tcp_ports, pinfo->srcport) || value_is_in_range(pref_tcp_ports, pinfo->destport));
    in.n_facts = n_facts;
    in.facts = facts;
    in.n_msgs = n;
    in.msgs = msgs;
    in.tls = proto_is_frame_protocol(pinfo->layers, "tls") ? 1 : 0;
    in.http_checks = pref_http_checks ? 1 : 0;
    out = cwmp_rs_http(&in);
    if (out != NULL && out->claimed && !PINFO_FD_VISITED(pinfo))
        p_add_proto_data(wmem_file_scope(), pinfo, proto_cwmp, CWMP_MARK_HTTP, GUINT_TO_POINTER(1));
    claimed = show_output(tvb, pinfo, tree, out, FALSE, NULL, INFO_FRAME);
    frame_done();
    return claimed ? (int)tvb_captured_length(tvb) : 0;
}

/* ---- UDP: connection requests (Annex G) and lightweight notifications (Annex M) ----------------- */

static int dissect_udp_common(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int heuristic)
{
    cwmp_udp_input_t in;
    cwmp_output_t *out;
    guint captured = tvb_captured_length(tvb);

    if (captured == 0 || !cwmp_enabled())
        return 0;
    memset(&in, 0, sizeof in);
    /* Within the captured length this cannot throw. */
    in.payload = tvb_get_ptr(tvb, 0, (gint)captured);
    in.len = captured;
    in.frame = pinfo->num;
    in.visited = PINFO_FD_VISITED(pinfo) ? 1 : 0;
    in.capture_secs = (int64_t)pinfo->abs_ts.secs;
    in.capture_nsecs = pinfo->abs_ts.nsecs;
    fill_addr(&in.dst, &pinfo->dst);
    in.cr_password = pref_cr_password;
    in.acs_password = pref_acs_password;
    in.heuristic = heuristic;
    out = cwmp_rs_udp(&in);
    if (!show_output(tvb, pinfo, tree, out, FALSE, NULL, INFO_FRAME))
        return 0;
    return (int)captured;
}

static int dissect_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return dissect_udp_common(tvb, pinfo, tree, 0);
}

static cwmp_heur_ret dissect_udp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return dissect_udp_common(tvb, pinfo, tree, 1) > 0;
}

/* ---- Port preferences -------------------------------------------------------------------------- */

/* What owned a port in "tcp.port" and in the inner table ("http.port" or "tls.port") before we took it.
 * http_tcp_dissector_delete and ssl_dissector_delete remove whatever owns the port, so releasing a port
 * puts these back: TCP 8080 is HTTP again, TCP 443 TLS again, when the preference moves away. */
typedef struct port_owner {
    dissector_handle_t tcp;
    dissector_handle_t inner;
} port_owner_t;

static wmem_map_t *http_port_owners;
static wmem_map_t *tls_port_owners;

static void remember_owner(wmem_map_t *owners, const char *inner, guint32 port)
{
    port_owner_t *o = wmem_new(wmem_epan_scope(), port_owner_t);
    dissector_table_t tcp_table = find_dissector_table("tcp.port");
    dissector_table_t inner_table = find_dissector_table(inner);
    o->tcp = tcp_table != NULL ? dissector_get_uint_handle(tcp_table, port) : NULL;
    o->inner = inner_table != NULL ? dissector_get_uint_handle(inner_table, port) : NULL;
    wmem_map_insert(owners, GUINT_TO_POINTER(port), o);
}

static void restore_owner(wmem_map_t *owners, const char *inner, guint32 port)
{
    port_owner_t *o = (port_owner_t *)wmem_map_remove(owners, GUINT_TO_POINTER(port));
    if (o == NULL)
        return;
    if (o->tcp != NULL)
        dissector_add_uint("tcp.port", port, o->tcp);
    if (o->inner != NULL)
        dissector_add_uint(inner, port, o->inner);
    wmem_free(wmem_epan_scope(), o);
}

static void add_tcp_port(guint32 port, gpointer ptr _U_)
{
    remember_owner(http_port_owners, "http.port", port);
    http_tcp_dissector_add(port, cwmp_port_handle);
}

static void delete_tcp_port(guint32 port, gpointer ptr _U_)
{
    http_tcp_dissector_delete(port);
    restore_owner(http_port_owners, "http.port", port);
}

/* Makes the registered TCP and TLS ports follow the preferences (at handoff and on every change). */
static void apply_ports(void)
{
    if (!handoff_done)
        return;
    if (http_port_owners == NULL)
        http_port_owners = wmem_map_new(wmem_epan_scope(), g_direct_hash, g_direct_equal);
    if (tls_port_owners == NULL)
        tls_port_owners = wmem_map_new(wmem_epan_scope(), g_direct_hash, g_direct_equal);
    if (registered_tcp_ports != NULL) {
        range_foreach(registered_tcp_ports, delete_tcp_port, NULL);
        wmem_free(wmem_epan_scope(), registered_tcp_ports);
        registered_tcp_ports = NULL;
    }
    if (pref_tcp_ports != NULL) {
        registered_tcp_ports = range_copy(wmem_epan_scope(), pref_tcp_ports);
        range_foreach(registered_tcp_ports, add_tcp_port, NULL);
    }
    if (http_tls_handle != NULL) {
        if (registered_tls_port != 0) {
            ssl_dissector_delete(registered_tls_port, http_tls_handle);
            restore_owner(tls_port_owners, "tls.port", registered_tls_port);
        }
        registered_tls_port = pref_tls_port;
        if (registered_tls_port != 0) {
            remember_owner(tls_port_owners, "tls.port", registered_tls_port);
            ssl_dissector_add(registered_tls_port, http_tls_handle);
        }
    }
}

/* The fields the postdissector reads. Wanted fields make Wireshark build a tree for every frame, so
 * those of file fetches are wanted only while cwmp.follow_file_fetch is on. */
static void set_wanted_fields(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    const int *fetch_fields[] = { &hf_http_full_uri, &hf_http_request_in, &hf_ftp_command, &hf_ftp_arg,
                                  &hf_ftp_code, &hf_tftp_opcode, &hf_tftp_source, &hf_tftp_destination,
                                  &hf_tftp_error };
    if (!handoff_done || cwmp_post_handle == NULL)
        return;
    hf_http_request_method = proto_registrar_get_id_byname("http.request.method");
    hf_http_response_code = proto_registrar_get_id_byname("http.response.code");
    hf_http_file_data = proto_registrar_get_id_byname("http.file_data");
    hf_http_location = proto_registrar_get_id_byname("http.location");
    hf_http_full_uri = proto_registrar_get_id_byname("http.request.full_uri");
    hf_http_request_in = proto_registrar_get_id_byname("http.request_in");
    hf_ftp_command = proto_registrar_get_id_byname("ftp.request.command");
    hf_ftp_arg = proto_registrar_get_id_byname("ftp.request.arg");
    hf_ftp_code = proto_registrar_get_id_byname("ftp.response.code");
    hf_tftp_opcode = proto_registrar_get_id_byname("tftp.opcode");
    hf_tftp_source = proto_registrar_get_id_byname("tftp.source_file");
    hf_tftp_destination = proto_registrar_get_id_byname("tftp.destination_file");
    hf_tftp_error = proto_registrar_get_id_byname("tftp.error.code");
    g_array_append_val(wanted, hf_http_request_method);
    g_array_append_val(wanted, hf_http_response_code);
    g_array_append_val(wanted, hf_http_file_data);
    g_array_append_val(wanted, hf_http_location);
    hf_http_uri = proto_registrar_get_id_byname("http.request.uri");
    hf_http_authorization = proto_registrar_get_id_byname("http.authorization");
    hf_http_www_authenticate = proto_registrar_get_id_byname("http.www_authenticate");
    hf_http_cookie = proto_registrar_get_id_byname("http.cookie");
    hf_http_set_cookie = proto_registrar_get_id_byname("http.set_cookie");
    if (http_checks_on()) {
        const int header_fields[] = { hf_http_uri, hf_http_authorization, hf_http_www_authenticate,
                                      hf_http_cookie, hf_http_set_cookie };
        for (size_t k = 0; k < G_N_ELEMENTS(header_fields); k++) {
            if (header_fields[k] >= 0)
                g_array_append_val(wanted, header_fields[k]);
        }
    }
    for (size_t k = 0; pref_follow_file_fetch && k < G_N_ELEMENTS(fetch_fields); k++) {
        if (*fetch_fields[k] >= 0)
            g_array_append_val(wanted, *fetch_fields[k]);
    }
    set_postdissector_wanted_hfids(cwmp_post_handle, wanted);
}

/* Every preference change: the ports, the wanted fields, and the values the Rust side keeps. */
static void apply_prefs(void)
{
    cwmp_rs_set_connreq_timeout(pref_connreq_timeout);
    apply_ports();
    set_wanted_fields();
}

/* ---- Statistics: tshark -z cwmp,tree and -z cwmp_srt,tree (Statistics menu in the GUI) ----------- */

static const char *const st_messages = "Messages by direction";
static const char *const st_events = "Inform event codes";
static const char *const st_faults = "Fault codes";
static const char *const st_devices = "Devices by OUI and ProductClass (sessions)";
static const char *const st_sessions = "Sessions";
static const char *const st_srt = "Response time by request method (ms)";

static void stats_init(stats_tree *st)
{
    stats_tree_create_node(st, st_messages, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, st_events, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, st_faults, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, st_devices, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, st_sessions, 0, STAT_DT_INT, FALSE);
}

static tap_packet_status stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *p, tap_flags_t flags _U_)
{
    const cwmp_tap_t *t = (const cwmp_tap_t *)p;
    const char *dir = t->direction == 1 ? "CPE to ACS" : t->direction == 2 ? "ACS to CPE" : "HTTP messages without a CWMP body";
    int parent = tick_stat_node(st, st_messages, 0, TRUE);
    int node = tick_stat_node(st, dir, parent, TRUE);
    tick_stat_node(st, t->method, node, FALSE);
    if (t->events != NULL && t->events[0] != '\0') {
        gchar **codes = g_strsplit(t->events, "\n", -1);
        parent = tick_stat_node(st, st_events, 0, TRUE);
        for (gchar **c = codes; *c != NULL; c++)
            tick_stat_node(st, *c, parent, FALSE);
        g_strfreev(codes);
    }
    if (t->has_fault) {
        gchar *name = g_strdup_printf("%u %s", t->fault, t->fault_name != NULL ? t->fault_name : "");
        parent = tick_stat_node(st, st_faults, 0, TRUE);
        tick_stat_node(st, name, parent, FALSE);
        g_free(name);
    }
    if (t->new_session) {
        tick_stat_node(st, st_sessions, 0, FALSE);
        parent = tick_stat_node(st, st_devices, 0, TRUE);
        node = tick_stat_node(st, t->oui != NULL && t->oui[0] ? t->oui : "(no OUI)", parent, TRUE);
        tick_stat_node(st, t->product_class != NULL && t->product_class[0] ? t->product_class : "(no ProductClass)",
                       node, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

static void srt_init(stats_tree *st)
{
    stats_tree_create_node(st, st_srt, 0, STAT_DT_FLOAT, TRUE);
}

static tap_packet_status srt_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                    const void *p, tap_flags_t flags _U_)
{
    const cwmp_tap_t *t = (const cwmp_tap_t *)p;
    int parent;
    if (t->request_method == NULL || t->response_ms < 0)
        return TAP_PACKET_DONT_REDRAW;
    parent = avg_stat_node_add_value_float(st, st_srt, 0, TRUE, (gfloat)t->response_ms);
    avg_stat_node_add_value_float(st, t->request_method, parent, FALSE, (gfloat)t->response_ms);
    return TAP_PACKET_REDRAW;
}

static void cwmp_reset(void)
{
    frame_done();
    /* Rebuilt (and the models reloaded by cwmp_rs_reset's side) at the next file's first body; freed
     * here so that nothing of ours is left on the heap when Wireshark unloads the plugin. */
    g_free(dm_dirs);
    g_free(dm_dirs_pref);
    dm_dirs = NULL;
    dm_dirs_pref = NULL;
    cwmp_rs_reset();
}

/* ---- Registration and handoff -------------------------------------------------------------------- */

/* Preferences, dissector handles, the postdissector, the tap and the statistics. */
static void register_rest(int proto)
{
    module_t *m = prefs_register_protocol(proto, apply_prefs);
    range_convert_str(wmem_epan_scope(), &pref_tcp_ports, CWMP_TCP_PORTS, 65535);
    prefs_register_range_preference(m, "tcp.ports", "CWMP TCP ports",
        "TCP ports dissected as HTTP whose bodies are CWMP (the CPE's connection-request port, ACS ports)",
        &pref_tcp_ports, 65535);
    prefs_register_uint_preference(m, "tls.port", "CWMP over TLS port",
        "TCP port dissected as HTTP over TLS (7548 by deployment convention; IANA assigns it to another "
        "protocol); 0 for none", 10, &pref_tls_port);
    /* String rather than password preferences: Wireshark ignores password preferences given with -o or
     * in preference files, and test labs script these checks. */
    prefs_register_string_preference(m, "connection_request_password", "Connection request password",
        "ConnectionRequestPassword: checks the signature of UDP connection requests", &pref_cr_password);
    prefs_register_string_preference(m, "acs_password", "ACS password",
        "ManagementServer.Password: checks the signature of UDP lightweight notifications", &pref_acs_password);
    {
        static uat_field_t cred_fields[] = {
            UAT_FLD_CSTRING(cwmp_cred, username, "Username",
                "User name: of a CPE (session Digest or Basic), of an ACS (connection requests, "
                "UDP un, lightweight notification UN)"),
            UAT_FLD_CSTRING(cwmp_cred, password, "Password",
                "Its password: checks authentication answers and HMAC signatures; never shown by "
                "the dissector"),
            UAT_END_FIELDS
        };
        uat_t *creds = uat_new("CWMP Credentials", sizeof(cwmp_credential_t), "cwmp_credentials", TRUE,
            &credentials, &n_credentials, UAT_AFFECTS_DISSECTION,
            NULL, cred_copy, NULL, cred_free, cred_post_update, NULL, cred_fields);
        prefs_register_uat_preference(m, "credentials", "Credentials",
            "User names and passwords that HTTP Digest and Basic answers, UDP connection requests and "
            "lightweight notifications are checked against (the dialog shows the passwords)", creds);
    }
    prefs_register_bool_preference(m, "http_checks", "Check HTTP cookies and Basic over plain HTTP",
        "Follow the ACS's session cookie and flag Basic credentials without TLS (reads HTTP headers: "
        "costs time on every frame; on by itself when credentials are configured)", &pref_http_checks);
    prefs_register_bool_preference(m, "follow_file_fetch", "Follow file fetches of transfers",
        "Link each Download, Upload and ScheduleDownload to the CPE's HTTP, FTP or TFTP fetch of its file and "
        "name the outcome (reads non-CWMP traffic: costs time on every frame)", &pref_follow_file_fetch);
    prefs_register_uint_preference(m, "connreq_timeout", "Connection request timeout (seconds)",
        "A connection request that no Inform with 6 CONNECTION REQUEST follows within this many seconds "
        "is flagged (when the capture goes on that long)", 10, &pref_connreq_timeout);
    prefs_register_string_preference(m, "datamodel_path", "Data model folders",
        "Folders of Broadband Forum data-model XML files (tr-181-*-cwmp-full.xml, ...), separated by the "
        "platform's path-list separator; read in addition to cwmp/datamodels in the personal configuration "
        "and global data folders", &pref_datamodel_path);
    prefs_register_bool_preference(m, "xml_tree", "Show the XML tree of CWMP bodies",
        "Also show Wireshark's generic XML tree below the CWMP tree", &pref_xml_tree);
    prefs_register_uint_preference(m, "max_body_size", "Largest body decoded (bytes)",
        "Bodies larger than this are decoded up to this size only", 10, &pref_max_body);
    prefs_register_uint_preference(m, "max_depth", "Deepest XML nesting decoded",
        "Elements nested deeper than this are skipped (and flagged)", 10, &pref_max_depth);
    prefs_register_uint_preference(m, "max_items", "Most tree items per message",
        "Stop adding items to one message's tree after this many (flagged)", 10, &pref_max_items);
    cwmp_port_handle = register_dissector("cwmp", dissect_port, proto);
    /* Named and described: from 4.6 on, a media_type entry needs a description for Decode As. */
    cwmp_media_handle = create_dissector_handle_with_name_and_description(
        dissect_media, -1, "cwmp_media", "CWMP, or the media type's usual dissector");
    cwmp_post_handle = create_dissector_handle(dissect_post, proto);
    cwmp_udp_handle = create_dissector_handle(dissect_udp, proto);
    register_postdissector(cwmp_post_handle);
    cwmp_tap_id = register_tap("cwmp");
    stats_tree_register_plugin("cwmp", "cwmp", "CWMP/Messages, Events, Faults and Devices", 0, stats_packet,
                               stats_init, NULL);
    stats_tree_register_plugin("cwmp", "cwmp_srt", "CWMP/Response Times", 0, srt_packet, srt_init, NULL);
    register_init_routine(cwmp_reset);
    register_cleanup_routine(cwmp_reset);
    cwmp_views_register(proto);
}

/* The protocol's registration callback: Rust builds the tables (a pure computation that cannot
 * throw), then returns; Wireshark's registration calls, which can throw, run here with no Rust frame on
 * the stack. When building the tables failed, nothing is registered and the handoff does nothing, so
 * no field id is ever -1 in a registered CWMP. */
static void register_protoinfo(void)
{
    const cwmp_tables_t *t;
    int proto;
    expert_module_t *em;

    if (proto_cwmp != -1)
        return;
    t = cwmp_rs_tables();
    if (t == NULL)
        return;
    proto = proto_register_protocol("CPE WAN Management Protocol", "CWMP", "cwmp");
    proto_register_field_array(proto, t->hf, (int)t->n_hf);
    proto_register_subtree_array(t->ett, (int)t->n_ett);
    em = expert_register_protocol(proto);
    expert_register_field_array(em, t->ei, (int)t->n_ei);
    register_rest(proto);
    /* Published last: the Rust side and the handoff see a protocol id only once all is registered. */
    *t->proto = proto;
    proto_cwmp = proto;
}

/* Hooks CWMP into HTTP (media types, TCP port, heuristic), UDP and XMPP. */
static void register_handoff(void)
{
    dissector_table_t media;

    if (proto_cwmp == -1)
        return;
    media = find_dissector_table("media_type");
    proto_xml = proto_get_id_by_filter_name("xml");
    hf_frame_protocols = proto_registrar_get_id_byname("frame.protocols");
    xml_handle = find_dissector("xml");
    for (size_t k = 0; k < CWMP_N_MEDIA_TYPES && media != NULL; k++) {
        /* Only types some dissector already handles: the others reach our heuristic anyway. */
        stock_media_handles[k] = dissector_get_string_handle(media, cwmp_media_types[k]);
        if (stock_media_handles[k] != NULL && stock_media_handles[k] != cwmp_media_handle)
            dissector_add_string("media_type", cwmp_media_types[k], cwmp_media_handle);
    }
    /* CWMP over TLS by deployment convention (IANA gives 7548 to another protocol). */
    http_tls_handle = find_dissector("http-over-tls");
    handoff_done = TRUE;
    apply_prefs();
    dissector_add_uint_with_preference("udp.port", CWMP_UDP_PORT, cwmp_udp_handle);
    heur_dissector_add("udp", dissect_udp_heur, "CWMP over UDP (connection requests, lightweight notifications)",
                       "cwmp_udp", proto_cwmp, HEURISTIC_ENABLE);
    set_wanted_fields();
    heur_dissector_add("http", dissect_heur, "CWMP over HTTP", "cwmp_http", proto_cwmp, HEURISTIC_ENABLE);
    cwmp_views_handoff();
}

/* Lives for the whole process, as proto_register_plugin requires. */
static const proto_plugin cwmp_plugin = { register_protoinfo, register_handoff };

void cwmp_shim_plugin_register(void)
{
    proto_register_plugin(&cwmp_plugin);
}
