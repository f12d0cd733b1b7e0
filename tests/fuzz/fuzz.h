/* fuzz.h — what the libFuzzer harnesses share: the entry point, a scratch folder and input copies. */
#ifndef REKISTERI_FUZZ_H
#define REKISTERI_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer calls this once per input; it must return 0. */
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A private folder for this process, created on first use under $TMPDIR
 * (tests/fuzz/run.sh points it at its work folder), else /dev/shm, else
 * /tmp; removed with its files at exit. Aborts when it cannot be made.
 */
const char	*fz_dir(void);

/* dir/name into dst (aborts when it does not fit). */
void	 fz_path(char *dst, size_t dstlen, const char *dir, const char *name);

/* Replace file path with data[0..size); aborts on failure. */
void	 fz_write(const char *path, const void *data, size_t size);

/* The whole of file path (NUL-terminated, caller frees) or abort. */
char	*fz_slurp(const char *path, size_t *size);

/* A NUL-terminated copy of data[0..size) (caller frees). */
char	*fz_cstr(const uint8_t *data, size_t size);

/* With FUZZ_VERBOSE set, print what (a harness's load result) to stderr. */
void	 fz_note(const char *what, const char *detail);

/* Print why to stderr and abort: libFuzzer records the input as a crash. */
void	 fz_fail(const char *why, const char *detail) __attribute__((noreturn));

#endif
