/*
 * publish_s3.h — print files in an S3-compatible object store
 * (publish = s3), for hosts that do not serve lulu_publish_dir themselves.
 *
 * The print stage uploads interior.pdf and cover.pdf under their secret
 * published names (print_lulu.c chooses them) with a PUT signed by
 * libcurl's AWS SigV4 (CURLOPT_AWS_SIGV4), checked by its checksums (the
 * store verifies x-amz-checksum-sha256 and Content-MD5, and its ETag must
 * be the file's MD5), gives Lulu presigned GET URLs that expire after
 * s3_url_expiry (SigV4 query signing, done here with GLib's HMAC-SHA256:
 * libcurl does not presign), and deletes the objects once Lulu needs them
 * no more.  Path-style addressing: <s3_endpoint>/<s3_bucket>/<name>.
 */
#ifndef STORYPRESS_PUBLISH_S3_H
#define STORYPRESS_PUBLISH_S3_H

#include <time.h>

#include "config.h"
#include "err.h"

struct publish_s3;

/* Reads s3_endpoint, s3_region, s3_bucket, s3_access_key and the secret
 * (s3_secret_key_file).  ERR_PERMANENT when one is missing. */
struct publish_s3 *publish_s3_open(const struct config *cfg, struct err *e);
void publish_s3_close(struct publish_s3 *s3);

/* Uploads the file at path as object name; sha256 and md5 are its sums in
 * hex.  Succeeds only when the store confirms those bytes. */
int publish_s3_put(struct publish_s3 *s3, const char *path, const char *name,
                   const char *sha256, const char *md5, struct err *e);

/* Deletes object name (gone already: success). */
int publish_s3_delete(struct publish_s3 *s3, const char *name, struct err *e);

/* A presigned GET URL of object name, valid s3_url_expiry seconds from now. */
char *publish_s3_url(struct publish_s3 *s3, const char *name);

/* The same from its parts at time now (for the tests): endpoint without a
 * trailing slash, the object's key; bucket NULL or "": the endpoint's host
 * names the bucket (virtual-hosted style). */
char *publish_s3_presign(const char *endpoint, const char *region, const char *bucket,
                         const char *access_key, const char *secret, const char *name,
                         long expires, time_t now);

#endif
