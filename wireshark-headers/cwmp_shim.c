/* cwmp_shim.c - the C side of the CWMP plugin.
 *
 * Why C: Wireshark reports errors with setjmp/longjmp. A longjmp across Rust frames is undefined
 * behaviour, so every Wireshark call that can throw happens here, with no Rust frame on the stack:
 *   1. the entry points below copy what Rust needs into a cwmp_input_t and call cwmp_rs_dissect();
 *   2. Rust parses and returns a flat list of tree operations, then returns (no Rust frame remains);
 *   3. replay() adds the items inside TRY/CATCH_ALL; an exception stops the replay, the Rust output is
 *      freed, and the exception is then shown with show_exception() (itself inside TRY).
 * This file also holds Wireshark's initialiser macros (HFILL, EXPFILL) and everything that differs
 * between Wireshark versions, in the "Version differences" section.
 */
#include <string.h>

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <wsutil/filesystem.h>
#include <epan/exceptions.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>
#include <epan/show_exception.h>
#include <epan/conversation.h>
#include <epan/dissectors/packet-http.h>
#include <epan/dissectors/packet-tls.h>
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#include <epan/dissectors/packet-media-type.h>
#endif

#include "cwmp_shim.h"

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
static const char *pref_datamodel_path = "";
static dissector_handle_t http_tls_handle;
static dissector_handle_t cwmp_udp_handle;
static int cwmp_tap_id = -1;

/* Which CWMP body of the current frame dissect_body is at; reset by the postdissector at the end of
 * every frame, so that re-dissecting a frame numbers its bodies the same way. */
static guint32 body_frame;
static guint32 body_index;

/* HTTP fields the postdissector reads (looked up at handoff). */
static int hf_http_request_method = -1;
static int hf_http_response_code = -1;
static int hf_http_file_data = -1;
static int hf_http_location = -1;

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
            nstime_t ts;
            ts.secs = (time_t)op->i;
            ts.nsecs = op->nanos;
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

/* Shows an exception caught while building our tree; an exception while showing it is dropped. */
static void show_caught(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, unsigned long code,
                        const char *msg)
{
    TRY {
        show_exception(tvb, pinfo, tree, code, msg);
    }
    CATCH_ALL {
    }
    ENDTRY;
}

/* The TCP connection of the frame, as Wireshark numbers conversations; G_MAXUINT32 when none. */
static uint32_t stream_of(packet_info *pinfo)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    return conv != NULL ? conv->conv_index : G_MAXUINT32;
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

/* Shows one Rust output and frees it: replays its tree operations, runs the XML dissector below a
 * CWMP body when that tree can be read (is_body; xml_data is HTTP's data for it, maybe NULL), queues
 * the tap records and sets the columns. Every Wireshark call that can throw runs inside TRY, with no
 * Rust frame on the stack; a caught exception is shown after the output is freed.
 * Returns FALSE, having freed it, when the output does not claim the packet. */
static gboolean show_output(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, cwmp_output_t *out,
                            gboolean is_body, void *xml_data, gboolean append_info)
{
    volatile unsigned long exc_code = 0;
    const char *volatile exc_msg = NULL;

    if (out == NULL)
        return FALSE;
    if (!out->claimed) {
        cwmp_rs_free(out);
        return FALSE;
    }
    TRY {
        replay(tvb, pinfo, tree, out->ops, out->n_ops);
        /* The XML tree of a CWMP body whenever there is a tree: filters on frame.protocols and the
         * protocol hierarchy statistics see the xml layer without referencing an xml field, so no
         * narrower test is safe. Without any tree nobody can read it. */
        if (is_body && out->want_xml && xml_handle != NULL && tree != NULL)
            call_dissector_with_data(xml_handle, tvb, pinfo, tree, xml_data);
    }
    CATCH_ALL {
        exc_code = EXCEPT_CODE;
        exc_msg = GET_MESSAGE ? wmem_strdup(pinfo->pool, GET_MESSAGE) : NULL;
    }
    ENDTRY;
    queue_taps(pinfo, out);
    /* After the XML dissector, which sets its own protocol column. */
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "CWMP");
    if (append_info) {
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", out->info);
    } else {
        /* HTTP fences its request or status line once the message is done. */
        col_clear_fence(pinfo->cinfo, COL_INFO);
        col_clear(pinfo->cinfo, COL_INFO);
        col_add_str(pinfo->cinfo, COL_INFO, out->info);
    }
    cwmp_rs_free(out);
    if (exc_code != 0)
        show_caught(tvb, pinfo, tree, exc_code, exc_msg);
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
    if (body_frame != pinfo->num) {
        body_frame = pinfo->num;
        body_index = 0;
    }
    in.index = body_index++;
    in.stream = stream_of(pinfo);
    in.ts_secs = (int64_t)pinfo->abs_ts.secs;
    in.ts_nsecs = pinfo->abs_ts.nsecs;
    in.visited = PINFO_FD_VISITED(pinfo) ? 1 : 0;
    /* A tree someone reads: visible, or invisible with a CWMP field referenced by a filter, a column
     * or -e (priming marks the protocol as indirectly referenced). Otherwise only the protocol item
     * and expert items are built; the session state is updated all the same. */
    in.has_tree = tree != NULL && proto_field_is_referenced(tree, proto_cwmp);
    in.pref_xml_tree = pref_xml_tree ? 1 : 0;
    in.pref_max_body = pref_max_body;
    in.pref_max_depth = pref_max_depth;
    in.pref_max_items = pref_max_items;
    in.datamodel_dirs = datamodel_dirs();

    out = cwmp_rs_dissect(&in);
    if (!show_output(tvb, pinfo, tree, out, TRUE, data, FALSE))
        return 0;
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

/* Hands a body that is not ours to the dissector HTTP would have called for its media type. */
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
    return call_dissector_with_data(h, tvb, pinfo, tree, data);
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

#define CWMP_MAX_HTTP_MSGS 16

/* XMPP connection requests (Annex K): Wireshark's XMPP dissector shows the stanza as generic XML;
 * mark it as CWMP. */
static int dissect_xmpp_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    cwmp_output_t *out;
    guint captured = tvb_captured_length(tvb);
    if (captured == 0)
        return 0;
    /* Within the captured length this cannot throw. */
    out = cwmp_rs_xmpp(tvb_get_ptr(tvb, 0, (gint)captured), captured);
    if (!show_output(tvb, pinfo, tree, out, FALSE, NULL, TRUE))
        return 0;
    return (int)captured;
}

static int dissect_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    GPtrArray *methods, *codes, *bodies, *locations;
    cwmp_http_msg_t msgs[CWMP_MAX_HTTP_MSGS];
    cwmp_http_input_t in;
    cwmp_output_t *out;
    guint n_req, n_resp, n_body, n = 0;

    body_frame = 0; /* the next dissection of any frame numbers its bodies from 0 */
    if (proto_is_frame_protocol(pinfo->layers, "xmpp"))
        return dissect_xmpp_frame(tvb, pinfo, tree);
    memset(msgs, 0, sizeof msgs);
    /* Later passes read what the first pass stored (HTTP's fields may not even be there then). */
    if (!PINFO_FD_VISITED(pinfo)) {
        if (tree == NULL || hf_http_request_method < 0 || hf_http_response_code < 0)
            return 0;
        methods = proto_get_finfo_ptr_array(tree, hf_http_request_method);
        codes = proto_get_finfo_ptr_array(tree, hf_http_response_code);
        n_req = methods != NULL ? methods->len : 0;
        n_resp = codes != NULL ? codes->len : 0;
        if (n_req == 0 && n_resp == 0)
            return 0;
        bodies = hf_http_file_data >= 0 ? proto_get_finfo_ptr_array(tree, hf_http_file_data) : NULL;
        locations = hf_http_location >= 0 ? proto_get_finfo_ptr_array(tree, hf_http_location) : NULL;
        n_body = bodies != NULL ? bodies->len : 0;
        /* One direction per frame: all requests or all responses. Bodies are counted from the first
         * message on, which is exact for the usual one message per frame. */
        for (guint k = 0; k < n_req && n < CWMP_MAX_HTTP_MSGS; k++, n++) {
            msgs[n].is_request = 1;
            msgs[n].method = finfo_string(methods, k);
            msgs[n].has_body = n < n_body;
        }
        for (guint k = 0; k < n_resp && n < CWMP_MAX_HTTP_MSGS; k++, n++) {
            msgs[n].code = finfo_uint(codes, k);
            msgs[n].location = finfo_string(locations, k);
            msgs[n].has_body = n < n_body;
        }
    }
    memset(&in, 0, sizeof in);
    in.frame = pinfo->num;
    in.stream = stream_of(pinfo);
    in.ts_secs = (int64_t)pinfo->abs_ts.secs;
    in.ts_nsecs = pinfo->abs_ts.nsecs;
    in.visited = PINFO_FD_VISITED(pinfo) ? 1 : 0;
    in.cwmp_port = pref_tcp_ports != NULL &&
                   (value_is_in_range(pref_tcp_ports, pinfo->srcport) || value_is_in_range(pref_tcp_ports, pinfo->destport));
    in.n_msgs = n;
    in.msgs = msgs;
    out = cwmp_rs_http(&in);
    if (!show_output(tvb, pinfo, tree, out, FALSE, NULL, FALSE))
        return 0;
    return tvb_captured_length(tvb);
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
    in.cr_password = pref_cr_password;
    in.acs_password = pref_acs_password;
    in.heuristic = heuristic;
    out = cwmp_rs_udp(&in);
    if (!show_output(tvb, pinfo, tree, out, FALSE, NULL, FALSE))
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

static void add_tcp_port(guint32 port, gpointer ptr _U_)
{
    http_tcp_dissector_add(port, cwmp_port_handle);
}

static void delete_tcp_port(guint32 port, gpointer ptr _U_)
{
    http_tcp_dissector_delete(port);
}

/* Makes the registered TCP and TLS ports follow the preferences (at handoff and on every change). */
static void apply_ports(void)
{
    if (!handoff_done)
        return;
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
        if (registered_tls_port != 0)
            ssl_dissector_delete(registered_tls_port, http_tls_handle);
        registered_tls_port = pref_tls_port;
        if (registered_tls_port != 0)
            ssl_dissector_add(registered_tls_port, http_tls_handle);
    }
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
    body_frame = 0;
    body_index = 0;
    /* Rebuilt (and the models reloaded by cwmp_rs_reset's side) at the next file's first body; freed
     * here so that nothing of ours is left on the heap when Wireshark unloads the plugin. */
    g_free(dm_dirs);
    g_free(dm_dirs_pref);
    dm_dirs = NULL;
    dm_dirs_pref = NULL;
    cwmp_rs_reset();
}

/* ---- Registration and handoff -------------------------------------------------------------------- */

void cwmp_shim_register(int proto)
{
    module_t *m;
    proto_cwmp = proto;
    m = prefs_register_protocol(proto, apply_ports);
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
}

void cwmp_shim_handoff(void)
{
    dissector_table_t media = find_dissector_table("media_type");
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
    apply_ports();
    dissector_add_uint_with_preference("udp.port", CWMP_UDP_PORT, cwmp_udp_handle);
    heur_dissector_add("udp", dissect_udp_heur, "CWMP over UDP (connection requests, lightweight notifications)",
                       "cwmp_udp", proto_cwmp, HEURISTIC_ENABLE);
    {
        GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
        hf_http_request_method = proto_registrar_get_id_byname("http.request.method");
        hf_http_response_code = proto_registrar_get_id_byname("http.response.code");
        hf_http_file_data = proto_registrar_get_id_byname("http.file_data");
        hf_http_location = proto_registrar_get_id_byname("http.location");
        g_array_append_val(wanted, hf_http_request_method);
        g_array_append_val(wanted, hf_http_response_code);
        g_array_append_val(wanted, hf_http_file_data);
        g_array_append_val(wanted, hf_http_location);
        set_postdissector_wanted_hfids(cwmp_post_handle, wanted);
    }
    heur_dissector_add("http", dissect_heur, "CWMP over HTTP", "cwmp_http", proto_cwmp, HEURISTIC_ENABLE);
}
