/* perms.h — who may read or change the register's files: the owners and modes that `rekisteri check` demands of the database, the keys, the ledger and the configuration (docs/deployment.md "Files and modes", #15). */
#ifndef REKISTERI_PERMS_H
#define REKISTERI_PERMS_H

#include "conf.h"

/*
 * One problem found: the file, what is wrong in a sentence, and the
 * command that puts it right.
 */
typedef void (*perms_report)(const char *path, const char *problem,
    const char *fix, void *arg);

/*
 * Check the files of configuration c, calling report for each problem:
 * - the database's folder and every file in it (the database, its -wal
 *   and -shm files, the request form's lock, the writer's socket, the
 *   erasure ledger): no rights for other users, each file owned by the
 *   folder's owner (a file the service user does not own, made by root
 *   running a command, is one it cannot open) or, in a set-group-ID
 *   folder shared by separate users, by the folder's group with read and
 *   write for it;
 * - the key folder: no rights for other users, no one but the owner may
 *   change it, every file the folder owner's; secret.key (and every other
 *   file but "current", totp.key and erasure.key) readable by the owner
 *   only; totp.key and erasure.key by the owner and at most a group other
 *   than the folder's (the intranet's own; the folder's group is the
 *   notice's too); public/ in it (the public keys) changed by no one else;
 * - the erasure ledger where [retention] erasure_ledger puts it;
 * - the configuration file: no one but its owner may change it (it says
 *   where the data go and what runs); its folder, the templates,
 *   messages, migrations and data folders and their files: no other user.
 * Missing files are not problems here (the other checks say so).
 * Returns the number of problems.
 */
int	 perms_check(const struct conf *c, perms_report report, void *arg);

#endif
