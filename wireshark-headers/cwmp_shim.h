/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cwmp_shim.h - the interface between the Rust dissector and its C shim.
 *
 * Our own header (no Wireshark header is copied into this repository). The Rust side never calls a
 * Wireshark function that can throw: it returns a flat list of tree operations (cwmp_op_t) that the
 * shim replays inside TRY/CATCH, so an exception (tree item limit, bounds error, a subdissector that
 * throws) unwinds through C frames only.
 */
#ifndef CWMP_SHIM_H
#define CWMP_SHIM_H

#include <stdint.h>

#include <epan/packet.h>
#include <epan/expert.h>

/* Operation codes of the replayed tree. */
enum cwmp_op_code {
    CWMP_OP_PROTOCOL = 0, /* proto_tree_add_item(proto)   id = protocol id */
    CWMP_OP_NONE,         /* FT_NONE item                  id = hf        */
    CWMP_OP_STRING,       /* proto_tree_add_string         str            */
    CWMP_OP_UINT,         /* proto_tree_add_uint           u              */
    CWMP_OP_INT,          /* proto_tree_add_int            i              */
    CWMP_OP_UINT64,       /* proto_tree_add_uint64         u              */
    CWMP_OP_INT64,        /* proto_tree_add_int64          i              */
    CWMP_OP_BOOLEAN,      /* proto_tree_add_boolean        u              */
    CWMP_OP_TIME,         /* proto_tree_add_time           i = seconds, nanos */
    CWMP_OP_PUSH,         /* subtree of the last item      id = ett       */
    CWMP_OP_POP,          /* back to the parent tree                      */
    CWMP_OP_EXPERT        /* expert info on the last item  ei, str = text */
};

/* One tree operation. Strings are NUL-terminated and owned by the Rust output until cwmp_rs_free. */
typedef struct cwmp_op {
    int32_t code;
    int32_t id;
    int32_t start;
    int32_t length;
    int32_t generated;
    int32_t nanos;
    uint64_t u;
    int64_t i;
    const char *str;
    const char *label;    /* replaces the item's label when not NULL */
    expert_field *ei;
} cwmp_op_t;

/* How the body reached us. */
enum cwmp_via { CWMP_VIA_MEDIA_TYPE = 0, CWMP_VIA_PORT = 1, CWMP_VIA_HEURISTIC = 2 };

/* What HTTP said about the message carrying the body. */
enum cwmp_http_kind { CWMP_HTTP_UNKNOWN = 0, CWMP_HTTP_REQUEST = 1, CWMP_HTTP_RESPONSE = 2 };

/* Everything the Rust side needs about one body. */
/* A network address of the frame: family 4 or 6 with its bytes, 0 when not IP. */
typedef struct cwmp_addr {
    int32_t family;
    uint8_t bytes[16];
} cwmp_addr_t;

typedef struct cwmp_input {
    const uint8_t *body;          /* the captured bytes of the body */
    uint32_t captured_len;
    uint32_t reported_len;
    int32_t via;
    int32_t http_kind;
    const char *media_params;     /* Content-Type parameters (charset), may be NULL */
    uint32_t frame;
    uint32_t index;               /* which CWMP body of this frame (0, 1, ...) */
    uint32_t stream;              /* the TCP connection: Wireshark's conversation index */
    int64_t ts_secs;              /* capture time of the frame */
    int32_t ts_nsecs;
    int32_t visited;
    int32_t has_tree;
    cwmp_addr_t src;              /* the frame's network addresses */
    cwmp_addr_t dst;
    /* preferences */
    int32_t pref_xml_tree;
    uint32_t pref_max_body;
    uint32_t pref_max_depth;
    uint32_t pref_max_items;
    const char *datamodel_dirs;   /* folders of data-model XML files, path-list separated */
    int32_t dm_tree;              /* the cwmp.dm annotation is read: visible tree or field referenced */
} cwmp_input_t;

/* What the "cwmp" tap reports for one message (copied into pinfo->pool before it is queued). */
typedef struct cwmp_tap {
    const char *method;           /* method, "Fault", or an HTTP event's name */
    int32_t direction;            /* cwmp.direction value, 0 unknown */
    int32_t kind;                 /* cwmp.message_kind value, 0 for HTTP events */
    uint32_t session;
    int32_t new_session;
    const char *events;           /* Inform event codes separated by '\n'; "" when none */
    int32_t has_fault;
    uint32_t fault;
    const char *fault_name;
    const char *oui;
    const char *product_class;
    const char *request_method;   /* responses: the method answered; NULL otherwise */
    double response_ms;           /* responses: response time; < 0 when unknown */
} cwmp_tap_t;

/* The Rust side's answer. */
typedef struct cwmp_output {
    int32_t claimed;              /* 0: not CWMP, hand the body on */
    int32_t want_xml;             /* also show the XML dissector's tree */
    const cwmp_op_t *ops;
    uint32_t n_ops;
    const char *info;             /* Info column text */
    const cwmp_tap_t *taps;
    uint32_t n_taps;
} cwmp_output_t;

/* One HTTP message of a frame, read from HTTP's own fields by the postdissector. */
typedef struct cwmp_http_msg {
    int32_t is_request;
    int32_t has_body;
    uint32_t code;                /* responses */
    const char *method;           /* requests */
    const char *location;         /* responses with a Location header, else NULL */
    /* Read only while credentials are configured or cwmp.http_checks is on; else NULL. */
    const char *uri;              /* requests: the request URI */
    const char *authorization;    /* requests */
    const char *www_authenticate; /* responses */
    const char *cookie;           /* requests */
    const char *set_cookie;       /* responses */
} cwmp_http_msg_t;

/* What non-CWMP traffic tells about the fetch of a transfer's file (preference cwmp.follow_file_fetch). */
enum {
    CWMP_FILE_FETCH = 1,          /* a request for `url`: HTTP (full URI), FTP RETR/STOR, TFTP RRQ/WRQ */
    CWMP_FILE_HTTP_OUTCOME = 2,   /* an HTTP response `code` to the request in `request_frame` */
    CWMP_FILE_FTP_REPLY = 3,      /* an FTP reply `code` on the connection */
    CWMP_FILE_TFTP_ERROR = 4      /* a TFTP error `code` sent to the frame's destination */
};
typedef struct cwmp_file_fact {
    int32_t kind;
    uint32_t code;
    uint32_t request_frame;
    const char *url;
} cwmp_file_fact_t;
#define CWMP_MAX_FILE_FACTS 8

/* The HTTP messages of one frame, for the session logic (empty POST, end of session, 401, ...). */
typedef struct cwmp_http_input {
    uint32_t frame;
    uint32_t stream;
    int64_t ts_secs;
    int32_t ts_nsecs;
    int32_t visited;
    int32_t cwmp_port;            /* the connection uses a CWMP TCP port */
    cwmp_addr_t src;
    cwmp_addr_t dst;
    uint32_t n_facts;
    const cwmp_file_fact_t *facts;
    uint32_t n_msgs;
    const cwmp_http_msg_t *msgs;
    int32_t tls;                  /* the frame came over TLS */
    int32_t http_checks;          /* preference cwmp.http_checks */
} cwmp_http_input_t;

/* One UDP datagram (connection request or lightweight notification). */
typedef struct cwmp_udp_input {
    const uint8_t *payload;
    uint32_t len;
    uint32_t frame;
    int32_t visited;
    int64_t capture_secs;
    int32_t capture_nsecs;
    cwmp_addr_t dst;              /* where the datagram went: the CPE of a connection request */
    const char *cr_password;      /* preference, may be empty */
    const char *acs_password;     /* preference, may be empty */
    int32_t heuristic;            /* called by the heuristic: only claim what looks like CWMP */
} cwmp_udp_input_t;

/* Everything Wireshark registers for the protocol, built by Rust (src/ffi/register.rs) and registered by
 * the shim. The arrays and everything they point to live for the whole process. */
typedef struct cwmp_tables {
    int *proto;                   /* where the protocol id is stored for the Rust side */
    hf_register_info *hf;
    uint32_t n_hf;
    int **ett;
    uint32_t n_ett;
    ei_register_info *ei;
    uint32_t n_ei;
} cwmp_tables_t;

/* Implemented in Rust (src/ffi/exports.rs, src/ffi/register.rs). Never throw, never unwind. */
cwmp_output_t *cwmp_rs_dissect(const cwmp_input_t *in);
cwmp_output_t *cwmp_rs_http(const cwmp_http_input_t *in);
cwmp_output_t *cwmp_rs_udp(const cwmp_udp_input_t *in);
/* Seconds without an Inform after which a connection request counts as unanswered (preference). */
void cwmp_rs_set_connreq_timeout(uint32_t secs);
/* The XMPP stanza that carried a connection request, and where it was seen. */
typedef struct cwmp_xmpp_input {
    const uint8_t *data;
    uint32_t len;
    uint32_t frame;
    int64_t ts_secs;
    int32_t ts_nsecs;
    int32_t visited;
} cwmp_xmpp_input_t;
cwmp_output_t *cwmp_rs_xmpp(const cwmp_xmpp_input_t *in);
void cwmp_rs_free(cwmp_output_t *out);
/* The records of the cwmp_credentials table (after every change): n user names and their passwords.
 * Rust keeps its own copy; the passwords are never shown. Returns the number of records kept. */
uint32_t cwmp_rs_set_credentials(const char *const *users, const char *const *passwords, uint32_t n);
void cwmp_rs_reset(void);
/* The registration tables, built once; NULL when building them failed (nothing is registered then). */
const cwmp_tables_t *cwmp_rs_tables(void);

/* Implemented in C (cwmp_shim.c): registration helpers for Wireshark's initialiser macros. */
void cwmp_shim_fill_hf(hf_register_info *hf, int *p_id, const char *name, const char *abbrev,
                       int type, int display, const void *strings, const char *blurb);
void cwmp_shim_fill_ei(ei_register_info *ei, expert_field *ids, const char *name, int group,
                       int severity, const char *summary);
/* Hands Wireshark the plugin's registration callbacks, both in C: the protocol registration asks Rust
 * for the tables, then registers them (fields, subtrees, expert items, preferences, handles) with no
 * Rust frame on the stack; the handoff hooks CWMP into HTTP, UDP and the postdissectors. */
void cwmp_shim_plugin_register(void);

#endif /* CWMP_SHIM_H */
