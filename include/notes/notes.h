// notes/notes.h: the whole public API.
#ifndef NOTES_NOTES_H
#define NOTES_NOTES_H

#include "notes/counters.h"
#include "notes/exit_status.h"
#include "notes/group_exit.h"
#include "notes/handler.h"
#include "notes/note.h"
#include "notes/note_set.h"
#include "notes/post.h"
#include "notes/receiver.h"
#include "notes/shutdown_group.h"
#include "notes/signal_map.h"
#include "notes/signal_mask.h"
#include "notes/status.h"

#endif  // NOTES_NOTES_H
