/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wrapper.h - what bindgen reads: the installed Wireshark headers we use, and our shim's interface. */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/ftypes/ftypes.h>

#include "cwmp_shim.h"
#include "cwmp_views.h"
