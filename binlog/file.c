/*
 * file.c: binlog files on disk and in memory, split into raw events for
 * the decoder. A binlog file is the magic bytes fe 62 69 6e followed by
 * events back to back, each holding its own length at offset 9 of its
 * header. Files are mapped read-only; nothing here talks to a server.
 */
#include "util/compat.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binlog/binlog-internal.h"
#include "util/wrapper.h"

static const unsigned char binlog_magic[4] = { 0xfe, 0x62, 0x69, 0x6e };

struct binlog_file {
	unsigned char *map;
	size_t size;
	size_t off;		/* next event */
	size_t last;		/* the event last returned */
	char *basename;
};

int binlog_file_open(struct binlog_file **out, const char *path,
		     struct strbuf *err)
{
	struct binlog_file *f;
	struct stat st;
	const char *slash;
	void *map = NULL;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		strbuf_addf(err, "cannot open '%s': %s", path,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		strbuf_addf(err, "cannot stat '%s': %s", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_size < 4) {
		strbuf_addf(err, "'%s' is not a binlog file (too short)", path);
		close(fd);
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		strbuf_addf(err, "cannot map '%s': %s", path, strerror(errno));
		return -1;
	}
	if (memcmp(map, binlog_magic, 4)) {
		strbuf_addf(err, "'%s' is not a binlog file (bad magic bytes)",
			    path);
		munmap(map, (size_t)st.st_size);
		return -1;
	}
	f = xcalloc(1, sizeof(*f));
	f->map = map;
	f->size = (size_t)st.st_size;
	f->off = 4;
	slash = strrchr(path, '/');
	f->basename = xstrdup(slash ? slash + 1 : path);
	*out = f;
	return 0;
}

const char *binlog_file_basename(const struct binlog_file *f)
{
	return f->basename;
}

int binlog_file_next(struct binlog_file *f, const unsigned char **ev,
		     size_t *len, struct strbuf *err)
{
	uint32_t elen;

	if (f->off == f->size)
		return 0;
	if (f->size - f->off < EV_HEADER_LEN) {
		strbuf_addf(err, "truncated event header at offset %zu",
			    f->off);
		return -1;
	}
	elen = rd_u32(f->map + f->off + 9);
	if (elen < EV_HEADER_LEN || elen > f->size - f->off) {
		strbuf_addf(err, "event at offset %zu claims %" PRIu32
			    " bytes, %zu are left", f->off, elen,
			    f->size - f->off);
		return -1;
	}
	*ev = f->map + f->off;
	*len = elen;
	f->last = f->off;
	f->off += elen;
	return 1;
}

uint64_t binlog_file_offset(const struct binlog_file *f)
{
	return f->last;
}

void binlog_file_close(struct binlog_file *f)
{
	if (!f)
		return;
	munmap(f->map, f->size);
	free(f->basename);
	free(f);
}

int binlog_buffer_walk(const unsigned char *buf, size_t len,
		       int (*fn)(void *arg, const unsigned char *ev,
				 size_t len),
		       void *arg, struct strbuf *err)
{
	size_t off = 0;

	if (len >= 4 && !memcmp(buf, binlog_magic, 4))
		off = 4;
	while (off < len) {
		uint32_t elen;
		int rc;

		if (len - off < EV_HEADER_LEN) {
			strbuf_addf(err, "truncated event header at offset %zu",
				    off);
			return -1;
		}
		elen = rd_u32(buf + off + 9);
		if (elen < EV_HEADER_LEN || elen > len - off) {
			strbuf_addf(err, "event at offset %zu claims %" PRIu32
				    " bytes, %zu are left", off, elen,
				    len - off);
			return -1;
		}
		rc = fn(arg, buf + off, elen);
		if (rc)
			return rc;
		off += elen;
	}
	return 0;
}
