// The mail outbox (table mail_outbox): its rows, kinds and statements are
// store/mail_outbox.h (in namespace cammio::mail); this header stays for the
// callers in mail/ and cli/.
#pragma once

#include "store/mail_outbox.h"
