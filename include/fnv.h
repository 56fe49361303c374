/*
 * fnv: the 64-bit FNV-1a hash, for stable derived identifiers (POP3 UIDL
 * of messages that carry none).  Not for anything an attacker must not
 * collide on purpose.
 *
 *	uint64_t h = fnv1a(FNV1A_INIT, p, n);
 *	h = fnv1a(h, more, m);           // continue over more bytes
 */
#ifndef MAILKIT_FNV_H
#define MAILKIT_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A_INIT 0xcbf29ce484222325ULL

uint64_t fnv1a(uint64_t h, const void *p, size_t n);

#endif
