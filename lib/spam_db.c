/* spam_db: the token database in LMDB; see include/spam_db.h. */
#include <errno.h>
#include <lmdb.h>
#include <string.h>
#include <sys/stat.h>

#include "spam_db.h"

#define MAP_SIZE	((size_t)4 << 30)	/* address space, not disk */

static const char count_key[] = "\001count";

static int
fail(struct spam_db *db, int rc)
{
	db->err = rc;
	errno = rc > 0 ? rc : EIO;
	return -1;
}

int
spam_db_open(struct spam_db *db, const char *dir, int writable)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	int rc;

	memset(db, 0, sizeof *db);
	db->writable = writable;
	if (writable && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail(db, errno);
	if ((rc = mdb_env_create(&env)) != 0)
		return fail(db, rc);
	mdb_env_set_mapsize(env, MAP_SIZE);
	rc = mdb_env_open(env, dir, (writable ? 0 : MDB_RDONLY) | MDB_NOTLS,
	    0644);
	/* Free the reader slots of processes killed while reading, or they
	 * would pin old pages and, in the end, fill the reader table. */
	if (rc == 0)
		mdb_reader_check(env, NULL);
	if (rc == 0)
		rc = mdb_txn_begin(env, NULL, writable ? 0 : MDB_RDONLY, &txn);
	if (rc == 0) {
		rc = mdb_dbi_open(txn, NULL, 0, &dbi);
		if (rc == 0)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	if (rc != 0) {
		mdb_env_close(env);
		return fail(db, rc);
	}
	db->env = env;
	db->dbi = dbi;
	return 0;
}

void
spam_db_close(struct spam_db *db)
{
	if (db->txn)
		spam_db_abort(db);
	if (db->env)
		mdb_env_close(db->env);
	db->env = NULL;
}

const char *
spam_db_strerror(const struct spam_db *db)
{
	return mdb_strerror(db->err);
}

static int
get_pair(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kl, uint32_t v[2])
{
	MDB_val key = { kl, (void *)k }, val;
	int rc = mdb_get(txn, dbi, &key, &val);

	if (rc == MDB_NOTFOUND || (rc == 0 && val.mv_size != 8)) {
		v[0] = v[1] = 0;
		return 0;
	}
	if (rc == 0)
		memcpy(v, val.mv_data, 8);
	return rc;
}

int
spam_db_lookup(struct spam_db *db, const struct spam_tokens *t,
    struct spam_count *counts, uint32_t *nspam, uint32_t *nham)
{
	MDB_txn *txn = db->txn;
	uint32_t v[2] = { 0, 0 };
	const char *s;
	size_t i, n;
	int rc = 0;

	if (txn == NULL && (rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY,
	    &txn)) != 0)
		return fail(db, rc);
	rc = get_pair(txn, db->dbi, count_key, sizeof count_key - 1, v);
	*nspam = v[0], *nham = v[1];
	for (i = 0; rc == 0 && i < t->count; i++) {
		s = spam_tokens_get(t, i, &n);
		rc = get_pair(txn, db->dbi, s, n, v);
		counts[i].spam = v[0], counts[i].ham = v[1];
	}
	if (txn != db->txn)
		mdb_txn_abort(txn);
	return rc ? fail(db, rc) : 0;
}

int
spam_db_counts(struct spam_db *db, uint32_t *nspam, uint32_t *nham)
{
	struct spam_tokens none;

	spam_tokens_init(&none, 0);
	return spam_db_lookup(db, &none, NULL, nspam, nham);
}

int
spam_db_begin(struct spam_db *db)
{
	MDB_txn *txn;
	int rc = mdb_txn_begin(db->env, NULL, 0, &txn);

	if (rc != 0)
		return fail(db, rc);
	db->txn = txn;
	return 0;
}

int
spam_db_commit(struct spam_db *db)
{
	int rc = mdb_txn_commit(db->txn);

	db->txn = NULL;
	return rc ? fail(db, rc) : 0;
}

void
spam_db_abort(struct spam_db *db)
{
	mdb_txn_abort(db->txn);
	db->txn = NULL;
}

/* Add delta (+1/-1, saturating at 0) to slot which of key k. */
static int
bump(struct spam_db *db, const void *k, size_t kl, int which, int delta)
{
	MDB_val key = { kl, (void *)k }, val;
	uint32_t v[2];
	int rc = get_pair(db->txn, db->dbi, k, kl, v);

	if (rc != 0)
		return rc;
	if (delta > 0 && v[which] < UINT32_MAX)
		v[which]++;
	else if (delta < 0 && v[which] > 0)
		v[which]--;
	if (v[0] == 0 && v[1] == 0) {
		rc = mdb_del(db->txn, db->dbi, &key, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	val.mv_size = 8;
	val.mv_data = v;
	return mdb_put(db->txn, db->dbi, &key, &val, 0);
}

static int
apply(struct spam_db *db, const struct spam_tokens *t, int which, int delta)
{
	const char *s;
	size_t i, n;
	int rc = bump(db, count_key, sizeof count_key - 1, which, delta);

	for (i = 0; rc == 0 && i < t->count; i++) {
		s = spam_tokens_get(t, i, &n);
		rc = bump(db, s, n, which, delta);
	}
	return rc;
}

/* The recorded class of a digest: 's', 'h' or 0. */
static int
recorded(struct spam_db *db, const unsigned char key[21], int *cls)
{
	MDB_val k = { 21, (void *)key }, v;
	int rc = mdb_get(db->txn, db->dbi, &k, &v);

	*cls = 0;
	if (rc == 0 && v.mv_size == 1)
		*cls = *(const char *)v.mv_data;
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
record(struct spam_db *db, const unsigned char key[21], int cls)
{
	MDB_val k = { 21, (void *)key }, v = { 1, &cls };
	char c = (char)cls;
	int rc;

	v.mv_data = &c;
	if (cls)
		return mdb_put(db->txn, db->dbi, &k, &v, 0);
	rc = mdb_del(db->txn, db->dbi, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
spam_db_learn(struct spam_db *db, const struct spam_tokens *t,
    const unsigned char dig[20], enum spam_learn cls, int untrain)
{
	unsigned char key[21];
	int want = cls == LEARN_SPAM ? 's' : 'h', have, rc;
	int which = cls == LEARN_SPAM ? 0 : 1;

	key[0] = 2;
	memcpy(key + 1, dig, 20);
	if ((rc = recorded(db, key, &have)) != 0)
		return fail(db, rc);
	if (untrain) {
		if (have != want)
			return 0;
		rc = apply(db, t, which, -1);
		if (rc == 0)
			rc = record(db, key, 0);
		return rc ? fail(db, rc) : 1;
	}
	if (have == want)
		return 0;
	if (have)
		rc = apply(db, t, 1 - which, -1);
	if (rc == 0)
		rc = apply(db, t, which, +1);
	if (rc == 0)
		rc = record(db, key, want);
	return rc ? fail(db, rc) : 1;
}

/* A fingerprint, not a signature: three 64-bit multiply-xorshift hashes
 * with different seeds.  (No libcrypto: loading it would cost every
 * per-message run more than the whole scoring.) */
static uint64_t
mix_hash(const unsigned char *p, size_t n, uint64_t h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
		h ^= h >> 31;
	}
	h ^= n;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

void
spam_db_digest(const char *msg, size_t n, unsigned char dig[20])
{
	uint64_t h[3];

	h[0] = mix_hash((const unsigned char *)msg, n, 0xcbf29ce484222325ULL);
	h[1] = mix_hash((const unsigned char *)msg, n, 0x9e3779b97f4a7c15ULL);
	h[2] = mix_hash((const unsigned char *)msg, n, 0x2545f4914f6cdd1dULL);
	memcpy(dig, h, 20);
}
