/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cwmp_views.c - CWMP Flow Graph, Export Objects and the change log, on the "cwmp" tap.
 *
 * What each view shows for a frame is decided in Rust (src/views.rs) on the first pass and read back
 * here with cwmp_rs_view(); this file only turns it into Wireshark's structures. As in cwmp_shim.c,
 * Rust is called and returns before any Wireshark function runs, so no Rust frame is ever on the stack
 * when Wireshark may throw.
 *
 * The "cwmp" tap carries one record per method or HTTP step, so a listener can be called several times
 * for one frame: each listener shows a frame once (see first_visit), whatever the number of records.
 */
#include <stdio.h>
#include <string.h>

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/address.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/export_object.h>
#include <epan/stat_tap_ui.h>
#include <epan/conversation.h>

#include "cwmp_views.h"

/* ---- Version differences (keep them all here) -------------------------------------------------- */

/* The sequence-analysis structures: epan/sequence_analysis.h is not installed, so they are declared
 * here. Wireshark allocates both (sequence_analysis_info_new, sequence_analysis_create_sai_with_
 * addresses); we fill an item and append it to the info's queue. Booleans are gboolean in 4.0 and bool
 * from 4.2 on; 4.4 added a node-occurrence array after `nodes` in the info, and 4.6 a member after
 * `info_ptr` in the item, neither of which we touch. The offsets asserted below were read from the
 * machine code of libwireshark 4.0.17, 4.4 and 4.6 (sequence_analysis_info_new, sequence_analysis_
 * create_sai_with_addresses, sequence_analysis_use_color_filter); the tshark test of the Flow Graph
 * checks them at run time on every version of the matrix. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
typedef bool cwmp_sa_bool;
#else
typedef gboolean cwmp_sa_bool;
#endif

typedef struct cwmp_sa_item {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    gchar *frame_label;
    gchar *time_str;
    gchar *comment;
    guint16 conv_num;
    unsigned fg_color;
    unsigned bg_color;
    cwmp_sa_bool has_color_filter;
    cwmp_sa_bool display;
    unsigned src_node;
    unsigned dst_node;
    guint16 line_style;
    /* info_type, info_ptr (and from 4.6 one more member) follow; never touched here. */
} cwmp_sa_item_t;

typedef struct cwmp_sa_info {
    const char *name;
    cwmp_sa_bool any_addr;     /* standard flow (any address) rather than network addresses only */
    int nconv;
    GQueue *items;
    /* ht, nodes[], (occurrence[] from 4.4), num_nodes follow; never touched here. */
} cwmp_sa_info_t;

#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(offsetof(cwmp_sa_item_t, frame_label) == 0x48, "seq_analysis_item_t.frame_label");
_Static_assert(offsetof(cwmp_sa_item_t, time_str) == 0x50, "seq_analysis_item_t.time_str");
_Static_assert(offsetof(cwmp_sa_item_t, comment) == 0x58, "seq_analysis_item_t.comment");
_Static_assert(offsetof(cwmp_sa_item_t, bg_color) == 0x68, "seq_analysis_item_t.bg_color");
_Static_assert(offsetof(cwmp_sa_item_t, has_color_filter) == 0x6c, "seq_analysis_item_t.has_color_filter");
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
_Static_assert(offsetof(cwmp_sa_item_t, display) == 0x6d, "seq_analysis_item_t.display (bool)");
_Static_assert(offsetof(cwmp_sa_item_t, line_style) == 0x78, "seq_analysis_item_t.line_style");
#else
_Static_assert(offsetof(cwmp_sa_item_t, display) == 0x70, "seq_analysis_item_t.display (gboolean)");
_Static_assert(offsetof(cwmp_sa_item_t, line_style) == 0x7c, "seq_analysis_item_t.line_style");
#endif
_Static_assert(offsetof(cwmp_sa_info_t, items) == 0x10, "seq_analysis_info_t.items");
#endif

/* A -z statistic's init callback returns whether it started from 4.6 on, nothing before. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 6)
typedef bool cwmp_stat_init_ret;
#define CWMP_STAT_INIT_DONE(ok) return (ok)
#else
typedef void cwmp_stat_init_ret;
#define CWMP_STAT_INIT_DONE(ok) return
#endif

/* A field's value inside a field_info: embedded in 4.0, a pointer from 4.2 on. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#define CWMP_VIEWS_FVALUE(fi) ((fi)->value)
#else
#define CWMP_VIEWS_FVALUE(fi) (&(fi)->value)
#endif

/* Exported by libwireshark, declared in the header that is not installed. */
extern void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                  const char *tap_listener, guint tap_flags, tap_packet_cb tap_func);
extern cwmp_sa_item_t *sequence_analysis_create_sai_with_addresses(packet_info *pinfo, cwmp_sa_info_t *sainfo);
extern void sequence_analysis_use_color_filter(packet_info *pinfo, cwmp_sa_item_t *sai);

/* ---- Per-frame state ------------------------------------------------------------------------------ */

static int proto_cwmp_views = -1;
static int cwmp_eo_tap = -1;

#define CWMP_VIEWS_MAX_BODIES 16
#define CWMP_VIEWS_MAX_LISTENERS 16

/* What the views need of the frame being dissected; lives in pinfo->pool until its taps have run. */
typedef struct frame_state {
    uint32_t n_bodies;
    struct {
        uint32_t index;
        const uint8_t *data;
        uint32_t len;
    } bodies[CWMP_VIEWS_MAX_BODIES];
    uint32_t n_served;
    const void *served[CWMP_VIEWS_MAX_LISTENERS];
} frame_state_t;

static frame_state_t *frame_state(packet_info *pinfo)
{
    frame_state_t *s = (frame_state_t *)p_get_proto_data(pinfo->pool, pinfo, proto_cwmp_views, 0);
    if (s == NULL) {
        s = wmem_new0(pinfo->pool, frame_state_t);
        p_add_proto_data(pinfo->pool, pinfo, proto_cwmp_views, 0, s);
    }
    return s;
}

/* TRUE the first time the listener owning `tapdata` sees this frame. */
static gboolean first_visit(packet_info *pinfo, const void *tapdata)
{
    frame_state_t *s = frame_state(pinfo);
    for (uint32_t k = 0; k < s->n_served; k++) {
        if (s->served[k] == tapdata)
            return FALSE;
    }
    if (s->n_served >= CWMP_VIEWS_MAX_LISTENERS)
        return FALSE;
    s->served[s->n_served++] = tapdata;
    return TRUE;
}

void cwmp_views_note_body(packet_info *pinfo, const uint8_t *body, uint32_t len, uint32_t index)
{
    frame_state_t *s;
    /* Only the export-objects listener reads the bytes back. */
    if (proto_cwmp_views < 0 || cwmp_eo_tap < 0 || !have_tap_listener(cwmp_eo_tap))
        return;
    s = frame_state(pinfo);
    if (body == NULL || s->n_bodies >= CWMP_VIEWS_MAX_BODIES)
        return;
    s->bodies[s->n_bodies].index = index;
    s->bodies[s->n_bodies].data = (const uint8_t *)wmem_memdup(pinfo->pool, body, len);
    s->bodies[s->n_bodies].len = len;
    s->n_bodies++;
}

/* The end of every TCP frame's dissection (after the shim's postdissector): a connection's final FIN
 * ends a session still open on it (first pass), and a frame with something to export is queued on the
 * export-objects tap ("cwmp_eo"). */
static int hf_tcp_flags_views = -1;
static dissector_handle_t views_post_handle;

#define CWMP_TCP_FIN 0x01
#define CWMP_TCP_RST 0x04

static int views_post(tvbuff_t *tvb _U_, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (pinfo->ptype != PT_TCP || !proto_is_protocol_enabled(find_protocol_by_id(proto_cwmp_views)))
        return 0;
    /* tcp.flags is a wanted field, so it is in the tree (visible or not) on the first pass. */
    if (!PINFO_FD_VISITED(pinfo) && tree != NULL && hf_tcp_flags_views >= 0) {
        GPtrArray *flags = proto_get_finfo_ptr_array(tree, hf_tcp_flags_views);
        field_info *fi = flags != NULL && flags->len > 0 ? (field_info *)g_ptr_array_index(flags, 0) : NULL;
        if (fi != NULL && (fvalue_get_uinteger(CWMP_VIEWS_FVALUE(fi)) & (CWMP_TCP_FIN | CWMP_TCP_RST)) != 0) {
            conversation_t *conv = find_conversation_pinfo(pinfo, 0);
            if (conv != NULL)
                cwmp_rs_views_close(pinfo->num, conv->conv_index, 0);
        }
    }
    if (cwmp_eo_tap >= 0 && have_tap_listener(cwmp_eo_tap) && cwmp_rs_view_has_objects(pinfo->num))
        tap_queue_packet(cwmp_eo_tap, pinfo, frame_state(pinfo));
    return 0;
}

/* ---- Flow Graph: Statistics -> Flow Graph "CWMP Flows", tshark -z flow,cwmp,standard|network ------ */

/* Replaces a node's address by the device's label (an AT_STRINGZ address, freed with the item). */
static void set_node(address *node, const char *label)
{
    address a;
    if (label == NULL || label[0] == '\0')
        return;
    set_address(&a, AT_STRINGZ, (int)strlen(label) + 1, label);
    free_address(node);
    copy_address(node, &a);
}

static tap_packet_status flow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *data _U_, tap_flags_t flags _U_)
{
    cwmp_sa_info_t *sainfo = (cwmp_sa_info_t *)tapdata;
    cwmp_view_t *v;
    tap_packet_status ret = TAP_PACKET_DONT_REDRAW;

    if (!first_visit(pinfo, tapdata))
        return TAP_PACKET_DONT_REDRAW;
    v = cwmp_rs_view(pinfo->num);
    if (v == NULL)
        return TAP_PACKET_DONT_REDRAW;
    for (uint32_t k = 0; k < v->n_arrows; k++) {
        const cwmp_view_arrow_t *a = &v->arrows[k];
        cwmp_sa_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
        if (sai == NULL)
            continue;
        sai->frame_number = pinfo->num;
        sequence_analysis_use_color_filter(pinfo, sai);
        sai->port_src = (guint16)pinfo->srcport;
        sai->port_dst = (guint16)pinfo->destport;
        /* Standard flows: one node per device, named as the Info column names it; network flows keep
         * the addresses. */
        if (sainfo->any_addr)
            set_node(a->from_cpe ? &sai->src_addr : &sai->dst_addr, a->device);
        sai->frame_label = g_strdup(a->label);
        sai->comment = g_strdup(a->comment);
        sai->line_style = 1;
        sai->conv_num = 0;
        sai->display = TRUE;
        g_queue_push_tail(sainfo->items, sai);
        ret = TAP_PACKET_REDRAW;
    }
    cwmp_rs_view_free(v);
    return ret;
}

/* ---- Export Objects: File -> Export Objects -> CWMP, tshark --export-objects cwmp,DIR ------------- */

static void add_object(export_object_list_t *list, packet_info *pinfo, const char *host, const char *type,
                       const char *name, const uint8_t *data, uint32_t len)
{
    export_object_entry_t *e = g_new0(export_object_entry_t, 1);
    e->pkt_num = pinfo->num;
    e->hostname = g_strdup(host != NULL && host[0] != '\0' ? host : address_to_str(pinfo->pool, &pinfo->src));
    e->content_type = g_strdup(type);
    e->filename = g_strdup(name);
    e->payload_len = len;
    e->payload_data = (guint8 *)g_memdup2(data, len);
    list->add_entry(list->gui_data, e);
}

static tap_packet_status eo_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                   const void *data _U_, tap_flags_t flags _U_)
{
    export_object_list_t *list = (export_object_list_t *)tapdata;
    frame_state_t *s;
    cwmp_view_t *v;
    tap_packet_status ret = TAP_PACKET_DONT_REDRAW;

    if (!first_visit(pinfo, tapdata))
        return TAP_PACKET_DONT_REDRAW;
    v = cwmp_rs_view(pinfo->num);
    if (v == NULL)
        return TAP_PACKET_DONT_REDRAW;
    s = frame_state(pinfo);
    for (uint32_t k = 0; k < v->n_envelopes; k++) {
        const cwmp_view_envelope_t *env = &v->envelopes[k];
        for (uint32_t b = 0; b < s->n_bodies; b++) {
            if (s->bodies[b].index == env->index) {
                add_object(list, pinfo, env->device, "text/xml", env->name, s->bodies[b].data, s->bodies[b].len);
                ret = TAP_PACKET_REDRAW;
                break;
            }
        }
    }
    for (uint32_t k = 0; k < v->n_snapshots; k++) {
        const cwmp_view_snapshot_t *snap = &v->snapshots[k];
        add_object(list, pinfo, snap->device, "text/csv", snap->name, snap->data, snap->len);
        ret = TAP_PACKET_REDRAW;
    }
    cwmp_rs_view_free(v);
    return ret;
}

/* ---- The change log: tshark -z cwmp,changes[,filter] (tab-separated, our own printer) ------------ */

#define CHANGES_CLI "cwmp,changes"

typedef struct changes_log {
    GArray *frames;            /* frames with change rows, in capture order */
} changes_log_t;

static void changes_reset(void *tapdata)
{
    changes_log_t *c = (changes_log_t *)tapdata;
    g_array_set_size(c->frames, 0);
}

static tap_packet_status changes_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                        const void *data _U_, tap_flags_t flags _U_)
{
    changes_log_t *c = (changes_log_t *)tapdata;
    cwmp_view_t *v;
    guint32 frame = pinfo->num;
    if (!first_visit(pinfo, tapdata))
        return TAP_PACKET_DONT_REDRAW;
    v = cwmp_rs_view(frame);
    if (v == NULL)
        return TAP_PACKET_DONT_REDRAW;
    if (v->n_changes > 0)
        g_array_append_val(c->frames, frame);
    cwmp_rs_view_free(v);
    return TAP_PACKET_REDRAW;
}

/* Printed once at the end: by then every answer of the capture is known. */
static void changes_draw(void *tapdata)
{
    changes_log_t *c = (changes_log_t *)tapdata;
    printf("%s\n", cwmp_rs_changes_header());
    for (guint k = 0; k < c->frames->len; k++) {
        cwmp_view_t *v = cwmp_rs_view(g_array_index(c->frames, guint32, k));
        if (v == NULL)
            continue;
        for (uint32_t r = 0; r < v->n_changes; r++) {
            const char *const *cell = v->changes[r].cells;
            printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell[0], cell[1], cell[2], cell[3], cell[4], cell[5], cell[6]);
        }
        cwmp_rs_view_free(v);
    }
}

static void changes_finish(void *tapdata)
{
    changes_log_t *c = (changes_log_t *)tapdata;
    g_array_free(c->frames, TRUE);
    g_free(c);
}

static cwmp_stat_init_ret changes_init(const char *opt_arg, void *userdata _U_)
{
    changes_log_t *c = g_new0(changes_log_t, 1);
    const char *filter = NULL;
    GString *err;
    if (opt_arg != NULL && strncmp(opt_arg, CHANGES_CLI ",", strlen(CHANGES_CLI) + 1) == 0)
        filter = opt_arg + strlen(CHANGES_CLI) + 1;
    c->frames = g_array_new(FALSE, FALSE, sizeof(guint32));
    err = register_tap_listener("cwmp", c, filter, TL_REQUIRES_NOTHING, changes_reset, changes_packet,
                                changes_draw, changes_finish);
    if (err != NULL) {
        fprintf(stderr, "tshark: Couldn't register " CHANGES_CLI " tap: %s\n", err->str);
        g_string_free(err, TRUE);
        g_array_free(c->frames, TRUE);
        g_free(c);
        CWMP_STAT_INIT_DONE(FALSE);
    }
    CWMP_STAT_INIT_DONE(TRUE);
}

static tap_param changes_params[] = {
    { PARAM_FILTER, "filter", "Filter", NULL, TRUE }
};

static stat_tap_ui changes_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    "CWMP Changes (tab-separated)",
    CHANGES_CLI,
    changes_init,
    G_N_ELEMENTS(changes_params),
    changes_params
};

/* ---- The change log in the GUI: Statistics -> CWMP/Changes (a stat_tap_table) ------------------- */
/* Registered in the plugin group: Wireshark 4.0 puts no REGISTER_STAT_GROUP_GENERIC table in its menus,
 * and shows a table's title whole ("CWMP/Changes"), not as a submenu. */

#define CHANGES_TABLE "CWMP Changes"

static stat_tap_table_item changes_fields[CWMP_CHANGE_COLUMNS] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Time", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Frame", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Device", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Action", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Target", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Value", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Result", "%s" },
};

static void table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, CHANGES_TABLE);
    if (table != NULL) {
        if (ui->stat_tap_reset_table_cb != NULL)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    table = stat_tap_init_table(CHANGES_TABLE, CWMP_CHANGE_COLUMNS, 0, NULL);
    stat_tap_add_table(ui, table);
}

static void table_free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_,
                            stat_tap_table_item_type *field)
{
    if (field->type == TABLE_ITEM_STRING) {
        g_free((char *)field->value.string_value);
        field->value.string_value = NULL;
    }
}

/* A log, not counters: re-tapping starts from no rows. */
static void table_reset(stat_tap_table *table)
{
    for (guint r = 0; r < table->num_elements; r++) {
        for (guint col = 0; col < table->num_fields; col++)
            table_free_item(table, r, col, &table->elements[r][col]);
        g_free(table->elements[r]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

/* An answer arrived: the rows of its request, added earlier in this pass, get their result. Rows are
 * in capture order and answers follow their requests closely, so the search runs from the end. */
static void table_update_results(stat_tap_table *table, uint32_t request_frame)
{
    cwmp_view_t *req;
    guint first, end = table->num_elements;
    while (end > 0 && table->elements[end - 1][1].value.uint_value > request_frame)
        end--;
    first = end;
    while (first > 0 && table->elements[first - 1][1].value.uint_value == request_frame)
        first--;
    if (first == end)
        return;
    req = cwmp_rs_view(request_frame);
    if (req == NULL)
        return;
    for (guint r = first, k = 0; r < end && k < req->n_changes; r++, k++) {
        stat_tap_table_item_type *result = &table->elements[r][CWMP_CHANGE_COLUMNS - 1];
        g_free((char *)result->value.string_value);
        result->value.string_value = g_strdup(req->changes[k].cells[CWMP_CHANGE_COLUMNS - 1]);
    }
    cwmp_rs_view_free(req);
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                      const void *data _U_, tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    stat_tap_table *table;
    cwmp_view_t *v;
    if (sd == NULL || sd->stat_tap_data == NULL || sd->stat_tap_data->tables == NULL ||
        sd->stat_tap_data->tables->len == 0 || !first_visit(pinfo, tapdata))
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    v = cwmp_rs_view(pinfo->num);
    if (v == NULL)
        return TAP_PACKET_DONT_REDRAW;
    if (v->answers != 0)
        table_update_results(table, v->answers);
    for (uint32_t r = 0; r < v->n_changes; r++) {
        stat_tap_table_item_type items[CWMP_CHANGE_COLUMNS];
        memset(items, 0, sizeof items);
        for (int col = 0; col < CWMP_CHANGE_COLUMNS; col++) {
            items[col].type = changes_fields[col].type;
            if (items[col].type == TABLE_ITEM_UINT)
                items[col].value.uint_value = v->changes[r].frame;
            else
                items[col].value.string_value = g_strdup(v->changes[r].cells[col]);
        }
        stat_tap_init_table_row(table, table->num_elements, CWMP_CHANGE_COLUMNS, items);
    }
    cwmp_rs_view_free(v);
    return TAP_PACKET_REDRAW;
}

static tap_param table_params[] = {
    { PARAM_FILTER, "filter", "Filter", NULL, TRUE }
};

static stat_tap_table_ui changes_table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,
    "CWMP/Changes",
    "cwmp",
    "cwmp,change_table",
    table_init,
    table_packet,
    table_reset,
    table_free_item,
    NULL,
    G_N_ELEMENTS(changes_fields), changes_fields,
    G_N_ELEMENTS(table_params), table_params,
    NULL,
    0
};

/* ---- The device table: tshark -z cwmp,devices (tab-separated, our own printer) ------------------ */

#define DEVICES_CLI "cwmp,devices"
#define DEVICE_COLUMNS 10

/* The table is computed at the end from the whole capture; the listener only makes tshark dissect. */
static int devices_listener;

static tap_packet_status devices_packet(void *tapdata _U_, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                        const void *data _U_, tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static void devices_draw(void *tapdata _U_)
{
    char *text = cwmp_rs_devices_tsv();
    if (text != NULL) {
        fputs(text, stdout);
        cwmp_rs_string_free(text);
    }
}

static cwmp_stat_init_ret devices_init(const char *opt_arg _U_, void *userdata _U_)
{
    GString *err = register_tap_listener("cwmp", &devices_listener, NULL, TL_REQUIRES_NOTHING, NULL,
                                         devices_packet, devices_draw, NULL);
    if (err != NULL) {
        fprintf(stderr, "tshark: Couldn't register " DEVICES_CLI " tap: %s\n", err->str);
        g_string_free(err, TRUE);
        CWMP_STAT_INIT_DONE(FALSE);
    }
    CWMP_STAT_INIT_DONE(TRUE);
}

static stat_tap_ui devices_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    "CWMP Devices (tab-separated)",
    DEVICES_CLI,
    devices_init,
    0,
    NULL
};

/* ---- The device table in the GUI: Statistics -> CWMP/Devices (a stat_tap_table) ----------------- */

#define DEVICES_TABLE "CWMP Devices"

static stat_tap_table_item device_fields[DEVICE_COLUMNS] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Device", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Sessions", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "First Seen", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Last Seen", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Inform Events", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Faults", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Transfers", "%s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Connection Requests Answered", "%u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Connection Requests Unanswered", "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Periodic Interval (s)", "%s" },
};

/* Device name -> row number + 1, for the rows of the table being filled. */
static GHashTable *device_rows;

static void device_rows_clear(void)
{
    if (device_rows != NULL)
        g_hash_table_remove_all(device_rows);
    else
        device_rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void devices_table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, DEVICES_TABLE);
    device_rows_clear();
    if (table != NULL) {
        if (ui->stat_tap_reset_table_cb != NULL)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    table = stat_tap_init_table(DEVICES_TABLE, DEVICE_COLUMNS, 0, NULL);
    stat_tap_add_table(ui, table);
}

static void devices_table_reset(stat_tap_table *table)
{
    table_reset(table);
    device_rows_clear();
}

/* Each frame of a device refreshes that device's row with what the capture has told so far. */
static tap_packet_status devices_table_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                              const void *data _U_, tap_flags_t flags _U_)
{
    stat_data_t *sd = (stat_data_t *)tapdata;
    stat_tap_table *table;
    stat_tap_table_item_type items[DEVICE_COLUMNS];
    char *row;
    gchar **cells;
    gpointer at;
    if (sd == NULL || sd->stat_tap_data == NULL || sd->stat_tap_data->tables == NULL ||
        sd->stat_tap_data->tables->len == 0 || !first_visit(pinfo, tapdata))
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(sd->stat_tap_data->tables, stat_tap_table *, 0);
    row = cwmp_rs_device_row(pinfo->num);
    if (row == NULL)
        return TAP_PACKET_DONT_REDRAW;
    cells = g_strsplit(row, "\t", DEVICE_COLUMNS);
    cwmp_rs_string_free(row);
    if (g_strv_length(cells) != DEVICE_COLUMNS) {
        g_strfreev(cells);
        return TAP_PACKET_DONT_REDRAW;
    }
    memset(items, 0, sizeof items);
    for (int col = 0; col < DEVICE_COLUMNS; col++) {
        items[col].type = device_fields[col].type;
        if (items[col].type == TABLE_ITEM_UINT)
            items[col].value.uint_value = (guint)strtoul(cells[col], NULL, 10);
        else
            items[col].value.string_value = g_strdup(cells[col]);
    }
    if (device_rows == NULL)
        device_rows_clear();
    at = g_hash_table_lookup(device_rows, cells[0]);
    if (at != NULL) {
        guint r = GPOINTER_TO_UINT(at) - 1;
        for (int col = 0; col < DEVICE_COLUMNS && r < table->num_elements; col++) {
            table_free_item(table, r, (guint)col, &table->elements[r][col]);
            table->elements[r][col] = items[col];
        }
    } else {
        g_hash_table_insert(device_rows, g_strdup(cells[0]), GUINT_TO_POINTER(table->num_elements + 1));
        stat_tap_init_table_row(table, table->num_elements, DEVICE_COLUMNS, items);
    }
    g_strfreev(cells);
    return TAP_PACKET_REDRAW;
}

static stat_tap_table_ui devices_table_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,
    "CWMP/Devices",
    "cwmp",
    "cwmp,device_table",
    devices_table_init,
    devices_table_packet,
    devices_table_reset,
    table_free_item,
    NULL,
    G_N_ELEMENTS(device_fields), device_fields,
    G_N_ELEMENTS(table_params), table_params,
    NULL,
    0
};

/* ---- Registration -------------------------------------------------------------------------------- */

static void views_reset(void)
{
    cwmp_rs_views_reset();
}

void cwmp_views_register(int proto)
{
    proto_cwmp_views = proto;
    register_seq_analysis("cwmp", "CWMP Flows", proto, "cwmp", TL_REQUIRES_NOTHING, flow_packet);
    /* The export-objects tap is "cwmp_eo", queued by views_post. */
    cwmp_eo_tap = register_export_object(proto, eo_packet, NULL);
    register_stat_tap_ui(&changes_ui, NULL);
    register_stat_tap_table_ui(&changes_table_ui);
    register_stat_tap_ui(&devices_ui, NULL);
    register_stat_tap_table_ui(&devices_table_ui);
    register_init_routine(views_reset);
    register_cleanup_routine(views_reset);
    /* Protocol-less, so that it never adds a "cwmp" layer to the frames it looks at. */
    views_post_handle = create_dissector_handle_with_name_and_description(
        views_post, -1, "cwmp_views", "CWMP session views (connection ends, export objects)");
    register_postdissector(views_post_handle);
}

void cwmp_views_handoff(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    hf_tcp_flags_views = proto_registrar_get_id_byname("tcp.flags");
    if (hf_tcp_flags_views >= 0)
        g_array_append_val(wanted, hf_tcp_flags_views);
    set_postdissector_wanted_hfids(views_post_handle, wanted);
}
