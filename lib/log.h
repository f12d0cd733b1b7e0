/* log.h — one log line format for every program: ident, request id, function, message. */
#ifndef REKISTERI_LOG_H
#define REKISTERI_LOG_H

/*
 * Lines go to stderr (Apache's or the spawner's error log) as
 *   ident[pid] rid=REQUESTID function: message
 * Never pass personal data (names, emails, addresses, form values) to these.
 */
void	 log_init(const char *ident);
void	 log_set_request(const char *rid);
void	 log_write(const char *func, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define LOG_ERR(...)	log_write(__func__, __VA_ARGS__)

#endif
