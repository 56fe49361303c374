/*
 * authfail: what SMTP AUTH and POP3 logins do after a wrong password,
 * the same way: pause before the reply, longer after each failure of the
 * session (base, 2 x base, 3 x base, ... at most AUTHFAIL_MAX x base), and
 * end the session after AUTHFAIL_LIMIT failures.  A password guesser gets
 * a few slow tries per connection, a person who mistyped waits a moment.
 */
#ifndef MAILKIT_AUTHFAIL_H
#define MAILKIT_AUTHFAIL_H

#define AUTHFAIL_LIMIT	3
#define AUTHFAIL_MAX	8

/* Count one more failure (in *failures) and sleep accordingly.
 * 1 when the session must now end, else 0. */
int authfail_pause(unsigned *failures, unsigned base_ms);

/* Sleep ms milliseconds, whatever signals arrive. */
void sleep_ms(unsigned ms);

#endif
