/*
 * lit -- the literate-programming tool of litevent.
 *
 * It reads the book's chapters (AsciiDoc files whose source blocks carry a
 * `chunk` attribute) and does one of seven jobs:
 *
 *   lit tangle   [--out DIR] [--upto NN] [--lines] [--exercise N.M=FILE] [--list] FILES...
 *       write every root chunk (a chunk named by a path under src/) to DIR/path
 *   lit weave    --out DIR FILES...
 *       write the chapters back out as plain AsciiDoc with anchored, linked chunks,
 *       plus DIR/index.adoc (the back matter: the solutions to the exercises for
 *       every edition but the HTML, the index of chunks and of public functions)
 *       and DIR/refs.tsv
 *   lit starters --out DIR FILES...
 *       write the starter file of every exercise to DIR/NN-slug/N.M-function.c
 *   lit manifest FILES...
 *       print one line per exercise: id, chapter, function, chunk, section, hint, place
 *   lit fixrefs  REFS.TSV FILE...
 *       replace the reference tokens the weave left in code listings by links
 *       (run on the HTML asciidoctor renders from the weave, and on the pages
 *       of the EPUB pandoc makes from it; a link to another page names it)
 *   lit checkhtml [--refs REFS.TSV] PAGES...
 *       report the inline markup AsciiDoc got wrong in rendered pages (a stray
 *       backtick, an arrow in inline code, an unlinked chunk reference)
 *   lit long     [--over N] FILES...
 *       list the chunk definitions longer than N lines (40): a to-do list, not
 *       an error; a block with long="why" says in the book why it must be long
 *
 * The notation is fixed by DESIGN.md.  The tool is strict: every mistake in a
 * chapter is an error that names the file and line, and nothing is written
 * when there is an error.  It uses only the C library.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <unistd.h>

/* ---------------------------------------------------------------- memory */

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "lit: out of memory\n");
		exit(2);
	}
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "lit: out of memory\n");
		exit(2);
	}
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* A growable string: the tool builds every output in memory first, so that
 * an error found late leaves no half-written file behind. */
struct text {
	char *buf;
	size_t len, cap;
};

static void
text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void
text_puts(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void
text_printf(struct text *t, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(small)) {
		text_add(t, small, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	text_add(t, big, (size_t)n);
	free(big);
}

/* ---------------------------------------------------------------- errors */

static int error_count;

static void
error_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: error: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	error_count++;
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("lit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ------------------------------------------------------------ the model */

/*
 * A chapter is a file of lines.  Each source block with a `chunk` attribute
 * becomes a definition; the definitions of one name, in book order, make a
 * chunk.  A definition remembers where it came from, so that every error and
 * every #line directive can point at the chapter.
 */
struct chapter {
	char *path;          /* chapters/06-evbuffers/06-evbuffers.adoc */
	char *dir;           /* 06-evbuffers */
	int number;          /* 6 */
	char **lines;
	int nlines;
};

struct definition {
	struct chunk *chunk;
	struct chapter *chapter;
	int title_line;      /* 1-based line of the title (or the attribute line) */
	int attr_line;       /* 1-based line of the [source,...] line */
	int first_line;      /* 1-based line of the first body line */
	int nlines;          /* body lines */
	char **body;         /* points into chapter->lines */
	int seq;             /* 1 for the first definition of its chunk, 2, 3... */
	char *anchor;        /* chunk-foo, chunk-foo-2 ... */
	char *exercise;      /* "6.2" or NULL */
	char *stub;
	char *hint;
	char *tests;
	char *long_reason;   /* long="...": why this chunk may exceed the limit */
	char *section;       /* the heading this definition stands under */
	struct definition *next;    /* the next definition of the same chunk */
};

struct chunk {
	char *name;
	char *slug;
	struct definition *first, *last;
	int used;            /* referenced from some definition */
	int expanding;       /* on the expansion stack right now (cycle check) */
};

struct starter_block {
	char *exercise;
	struct chapter *chapter;
	int attr_line;       /* 1-based line of the [source,...] line */
	int line;            /* 1-based line of the opening delimiter */
	char **body;
	int nlines;
};

static struct chapter *chapters;
static int nchapters;
static struct chunk **chunks;
static int nchunks;
static struct definition **defs;    /* every definition, in book order */
static int ndefs;
static struct starter_block *starters;
static int nstarters;

static struct chunk *
chunk_find(const char *name)
{
	for (int i = 0; i < nchunks; i++)
		if (strcmp(chunks[i]->name, name) == 0)
			return chunks[i];
	return NULL;
}

/* Anchors are made from the name: lower-case letters and digits joined by
 * dashes, made unique with a number when two names fold to the same slug. */
static int
anchor_taken(const char *a)
{
	for (int i = 0; i < nchunks; i++)
		if (chunks[i]->slug && strcmp(chunks[i]->slug, a) == 0)
			return 1;
	return 0;
}

static char *
make_slug(const char *name)
{
	struct text t = {0};
	int dash = 0;

	text_puts(&t, "chunk-");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (isalnum(*p)) {
			if (dash && t.len > 6)
				text_add(&t, "-", 1);
			char c = (char)tolower(*p);
			text_add(&t, &c, 1);
			dash = 0;
		} else {
			dash = 1;
		}
	}
	if (t.len == 6)
		text_puts(&t, "x");
	char *base = t.buf;
	if (!anchor_taken(base))
		return base;
	for (int n = 2;; n++) {
		struct text u = {0};
		text_printf(&u, "%s-%d", base, n);
		if (!anchor_taken(u.buf)) {
			free(base);
			return u.buf;
		}
		free(u.buf);
	}
}

static struct chunk *
chunk_intern(const char *name)
{
	struct chunk *c = chunk_find(name);
	if (c)
		return c;
	c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->slug = make_slug(name);
	chunks = xrealloc(chunks, sizeof(*chunks) * (size_t)(nchunks + 1));
	chunks[nchunks++] = c;
	return c;
}

static int
is_root_name(const char *name)
{
	return strncmp(name, "src/", 4) == 0;
}

/* A root must be a plain relative path below src/: no "..", no empty parts. */
static int
root_path_ok(const char *name)
{
	if (!is_root_name(name) || name[4] == '\0')
		return 0;
	for (const char *p = name; *p; p++) {
		if (isspace((unsigned char)*p))
			return 0;
		if (*p == '/' && (p[1] == '/' || p[1] == '\0'))
			return 0;
	}
	return strstr(name, "/../") == NULL && strstr(name, "/./") == NULL;
}

/* ----------------------------------------------------------- reading */

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct text t = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		text_add(&t, buf, n);
	fclose(f);
	if (!t.buf)
		t.buf = xstrdup("");
	if (len)
		*len = t.len;
	return t.buf;
}

static char **
split_lines(char *buf, int *count)
{
	char **lines = NULL;
	int n = 0;
	char *p = buf;

	while (*p) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		lines = xrealloc(lines, sizeof(*lines) * (size_t)(n + 1));
		lines[n++] = xstrndup(p, len);
		if (!nl)
			break;
		p = nl + 1;
	}
	*count = n;
	return lines;
}

/* The chapter number comes from the directory: chapters/06-evbuffers/x.adoc
 * (or any NN-slug directory, which lets the tests use fixture trees). */
static void
chapter_identity(struct chapter *ch)
{
	const char *slash = strrchr(ch->path, '/');
	const char *start = ch->path;
	if (slash) {
		const char *p = slash;
		while (p > ch->path && p[-1] != '/')
			p--;
		start = p;
		ch->dir = xstrndup(start, (size_t)(slash - start));
	} else {
		ch->dir = xstrdup(".");
	}
	if (isdigit((unsigned char)ch->dir[0]) && isdigit((unsigned char)ch->dir[1]))
		ch->number = (ch->dir[0] - '0') * 10 + (ch->dir[1] - '0');
	else
		ch->number = -1;
}

/* Block attributes: [source,c,chunk="Name, with commas",append,exercise="6.2"].
 * Returns 0 and fills the named values; -1 on a malformed list. */
struct attrs {
	int is_source;
	int append;
	char *chunk, *exercise, *stub, *hint, *tests, *starter, *long_reason;
};

static void
attrs_clear(struct attrs *a)
{
	free(a->chunk);
	free(a->exercise);
	free(a->stub);
	free(a->hint);
	free(a->tests);
	free(a->starter);
	free(a->long_reason);
	memset(a, 0, sizeof(*a));
}

static int
parse_attrs(const char *line, struct attrs *a)
{
	size_t len = strlen(line);
	memset(a, 0, sizeof(*a));
	if (len < 2 || line[0] != '[' || line[len - 1] != ']')
		return -1;
	const char *p = line + 1, *end = line + len - 1;
	int position = 0;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		const char *key = p;
		while (p < end && *p != '=' && *p != ',')
			p++;
		size_t keylen = (size_t)(p - key);
		while (keylen > 0 && key[keylen - 1] == ' ')
			keylen--;
		char *value = NULL;
		if (p < end && *p == '=') {
			p++;
			struct text v = {0};
			if (*p == '"') {
				p++;
				while (p < end && *p != '"') {
					if (*p == '\\' && p + 1 < end && p[1] == '"')
						p++;
					text_add(&v, p, 1);
					p++;
				}
				if (p >= end) {
					free(v.buf);
					return -1;      /* unterminated quote */
				}
				p++;
			} else {
				while (p < end && *p != ',')
					text_add(&v, p++, 1);
			}
			value = v.buf ? v.buf : xstrdup("");
		}
		while (p < end && *p == ' ')
			p++;
		if (p < end && *p != ',') {
			free(value);
			return -1;
		}
		if (p < end)
			p++;
		char *k = xstrndup(key, keylen);
		if (!value) {
			if (position == 0 && strcmp(k, "source") == 0)
				a->is_source = 1;
			else if (strcmp(k, "append") == 0)
				a->append = 1;
		} else {
#define TAKE(field) do { free(a->field); a->field = value; value = NULL; } while (0)
			if (strcmp(k, "chunk") == 0)
				TAKE(chunk);
			else if (strcmp(k, "exercise") == 0)
				TAKE(exercise);
			else if (strcmp(k, "stub") == 0)
				TAKE(stub);
			else if (strcmp(k, "hint") == 0)
				TAKE(hint);
			else if (strcmp(k, "tests") == 0)
				TAKE(tests);
			else if (strcmp(k, "starter") == 0)
				TAKE(starter);
			else if (strcmp(k, "long") == 0)
				TAKE(long_reason);
#undef TAKE
		}
		free(k);
		free(value);
		position++;
	}
	return 0;
}

static int
is_delimiter(const char *line, char c)
{
	size_t n = strlen(line);
	if (n < 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (line[i] != c)
			return 0;
	return 1;
}

/* Delimited blocks whose contents are not AsciiDoc structure: listings,
 * literals, passthroughs and comments.  Headings inside them are not headings. */
static int
verbatim_delimiter(const char *line)
{
	return is_delimiter(line, '-') || is_delimiter(line, '.') ||
	    is_delimiter(line, '+') || is_delimiter(line, '/');
}

static int
heading_level(const char *line)
{
	int n = 0;
	while (line[n] == '=')
		n++;
	return (n > 0 && line[n] == ' ') ? n : 0;
}

static int
is_title_line(const char *line)
{
	return line[0] == '.' && line[1] != '.' && line[1] != ' ' && line[1] != '\0';
}

/* A reference is a line holding only <<name>>: returns the name (allocated)
 * and the indentation, or NULL. */
static char *
reference_in(const char *line, size_t *indent)
{
	size_t i = 0;
	while (line[i] == ' ' || line[i] == '\t')
		i++;
	if (line[i] != '<' || line[i + 1] != '<')
		return NULL;
	size_t end = strlen(line);
	while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	if (end < i + 5 || line[end - 1] != '>' || line[end - 2] != '>')
		return NULL;
	const char *name = line + i + 2;
	size_t namelen = end - 2 - (i + 2);
	if (namelen == 0 || memchr(name, '>', namelen) || memchr(name, '<', namelen))
		return NULL;
	if (indent)
		*indent = i;
	return xstrndup(name, namelen);
}

static void
add_definition(struct chapter *ch, struct attrs *a, int title_line,
    int attr_line, int open_line, int close_line, const char *section)
{
	struct chunk *c = chunk_find(a->chunk);
	if (c && !a->append) {
		error_at(ch->path, attr_line,
		    "chunk <<%s>> is already defined at %s:%d; continue it with 'append'",
		    a->chunk, c->first->chapter->path, c->first->attr_line);
		return;
	}
	if (!c && a->append) {
		error_at(ch->path, attr_line,
		    "'append' to chunk <<%s>>, which has no earlier definition", a->chunk);
		return;
	}
	if (is_root_name(a->chunk) && !root_path_ok(a->chunk)) {
		error_at(ch->path, attr_line, "root chunk path '%s' is not a plain path under src/",
		    a->chunk);
		return;
	}
	if (!is_root_name(a->chunk) && strchr(a->chunk, '/') && strchr(a->chunk, '.') &&
	    !strchr(a->chunk, ' ')) {
		error_at(ch->path, attr_line,
		    "chunk '%s' looks like a file path outside src/; roots must live under src/",
		    a->chunk);
		return;
	}
	if (a->exercise && a->append) {
		error_at(ch->path, attr_line, "an exercise must be a whole chunk, not a continuation");
		return;
	}
	c = chunk_intern(a->chunk);
	struct definition *d = xmalloc(sizeof(*d));
	memset(d, 0, sizeof(*d));
	d->chunk = c;
	d->chapter = ch;
	d->title_line = title_line ? title_line : attr_line;
	d->attr_line = attr_line;
	d->first_line = open_line + 1;
	d->nlines = close_line - open_line - 1;
	d->body = ch->lines + open_line;   /* lines[] is 0-based: line open_line+1 */
	d->exercise = a->exercise;
	d->stub = a->stub;
	d->hint = a->hint;
	d->tests = a->tests;
	d->long_reason = a->long_reason;
	a->exercise = a->stub = a->hint = a->tests = a->long_reason = NULL;
	d->section = xstrdup(section);
	if (c->last) {
		c->last->next = d;
		d->seq = c->last->seq + 1;
	} else {
		c->first = d;
		d->seq = 1;
	}
	c->last = d;
	if (d->seq == 1) {
		d->anchor = xstrdup(c->slug);
	} else {
		struct text t = {0};
		text_printf(&t, "%s-%d", c->slug, d->seq);
		d->anchor = t.buf;
	}
	defs = xrealloc(defs, sizeof(*defs) * (size_t)(ndefs + 1));
	defs[ndefs++] = d;
}

static void
add_starter(struct chapter *ch, struct attrs *a, int attr_line, int open_line,
    int close_line)
{
	starters = xrealloc(starters, sizeof(*starters) * (size_t)(nstarters + 1));
	struct starter_block *s = &starters[nstarters++];
	s->exercise = a->starter;
	a->starter = NULL;
	s->chapter = ch;
	s->attr_line = attr_line;
	s->line = open_line;
	s->body = ch->lines + open_line;
	s->nlines = close_line - open_line - 1;
}

/* Walk one chapter's lines, find the chunk blocks and remember the headings. */
static void
parse_chapter(struct chapter *ch)
{
	char section[512] = "";
	int i = 0;

	while (i < ch->nlines) {
		const char *line = ch->lines[i];
		int level = heading_level(line);
		if (level) {
			snprintf(section, sizeof(section), "%s", line + level + 1);
			i++;
			continue;
		}
		if (verbatim_delimiter(line) || is_delimiter(line, '=')) {
			/* An ordinary delimited block: skip to its end. */
			if (is_delimiter(line, '=')) {   /* example blocks may hold chunks */
				i++;
				continue;
			}
			int j = i + 1;
			while (j < ch->nlines && strcmp(ch->lines[j], line) != 0)
				j++;
			if (j >= ch->nlines) {
				error_at(ch->path, i + 1, "delimited block opened here is never closed");
				return;
			}
			i = j + 1;
			continue;
		}
		if (line[0] != '[' || strncmp(line, "[source", 7) != 0) {
			i++;
			continue;
		}
		struct attrs a;
		if (parse_attrs(line, &a) < 0) {
			if (strstr(line, "chunk=") || strstr(line, "starter="))
				error_at(ch->path, i + 1, "malformed block attribute list: %s", line);
			attrs_clear(&a);
			i++;
			continue;
		}
		if (!a.chunk && !a.starter) {
			attrs_clear(&a);
			i++;
			continue;
		}
		int attr_line = i + 1;
		int title_line = (i > 0 && is_title_line(ch->lines[i - 1])) ? i : 0;
		int open = i + 1;
		if (open < ch->nlines && is_title_line(ch->lines[open]))
			title_line = ++open;
		if (open >= ch->nlines || !is_delimiter(ch->lines[open], '-')) {
			error_at(ch->path, attr_line, "chunk block must be followed by a ---- delimiter");
			attrs_clear(&a);
			i++;
			continue;
		}
		int close = open + 1;
		while (close < ch->nlines && strcmp(ch->lines[close], ch->lines[open]) != 0)
			close++;
		if (close >= ch->nlines) {
			error_at(ch->path, open + 1, "chunk block opened here is never closed");
			attrs_clear(&a);
			return;
		}
		if (a.chunk && a.chunk[0] == '\0')
			error_at(ch->path, attr_line, "empty chunk name");
		else if (a.chunk)
			add_definition(ch, &a, title_line, attr_line, open + 1, close + 1, section);
		else
			add_starter(ch, &a, attr_line, open + 1, close + 1);
		attrs_clear(&a);
		i = close + 1;
	}
}

static void
load_chapters(int argc, char **argv)
{
	chapters = xmalloc(sizeof(*chapters) * (size_t)(argc ? argc : 1));
	for (int i = 0; i < argc; i++) {
		struct chapter *ch = &chapters[nchapters++];
		memset(ch, 0, sizeof(*ch));
		ch->path = argv[i];
		char *buf = read_file(argv[i], NULL);
		if (!buf)
			die("cannot read %s: %s", argv[i], strerror(errno));
		ch->lines = split_lines(buf, &ch->nlines);
		free(buf);
		chapter_identity(ch);
	}
	for (int i = 0; i < nchapters; i++)
		parse_chapter(&chapters[i]);
}

/* ------------------------------------------------------ the reference graph */

/* In a prefix build (--upto NN) only definitions from chapters 00..NN count. */
static int upto = 99;

static int
definition_visible(const struct definition *d)
{
	return d->chapter->number <= upto;
}

static int
chunk_visible(const struct chunk *c)
{
	return c->first && definition_visible(c->first);
}

/* Every reference must name a chunk defined somewhere in the book; mark uses. */
static void
check_references(void)
{
	for (int i = 0; i < ndefs; i++) {
		struct definition *d = defs[i];
		for (int k = 0; k < d->nlines; k++) {
			char *name = reference_in(d->body[k], NULL);
			if (!name)
				continue;
			struct chunk *c = chunk_find(name);
			if (!c)
				error_at(d->chapter->path, d->first_line + k,
				    "reference to undefined chunk <<%s>>", name);
			else if (definition_visible(d))
				c->used = 1;
			free(name);
		}
	}
}

static void
check_unused(void)
{
	for (int i = 0; i < nchunks; i++) {
		struct chunk *c = chunks[i];
		if (!c->used && !is_root_name(c->name))
			error_at(c->first->chapter->path, c->first->attr_line,
			    "chunk <<%s>> is defined but never used", c->name);
	}
}

/* ----------------------------------------------------------------- tangle */

struct substitution {
	char *exercise;
	char *file;
	char **lines;
	int nlines;
	int found;
};

static struct substitution subst;
static int want_line_directives;

struct emitter {
	struct text out;
	int c_like;          /* .c or .h: comments and #line are allowed */
	int last_continues;  /* the last line written ends in a backslash */
	int line_count;
};

static void
emit_line(struct emitter *e, const char *indent, size_t indent_len, const char *line)
{
	if (line[0] != '\0')
		text_add(&e->out, indent, indent_len);
	text_puts(&e->out, line);
	text_add(&e->out, "\n", 1);
	size_t n = strlen(line);
	e->last_continues = n > 0 && line[n - 1] == '\\';
	e->line_count++;
}

static void
emit_line_directive(struct emitter *e, int line, const char *file)
{
	if (!want_line_directives || !e->c_like || e->last_continues)
		return;
	struct text t = {0};
	text_printf(&t, "#line %d \"%s\"", line, file);
	emit_line(e, "", 0, t.buf);
	free(t.buf);
}

/* The comment that introduces each chunk in the tangled file, so that src/
 * reads as an outline of the book. */
static void
emit_chunk_comment(struct emitter *e, const char *indent, size_t indent_len,
    const struct chunk *c)
{
	if (!e->c_like || e->last_continues)
		return;
	struct text t = {0};
	text_puts(&t, "/* \xe2\x9f\xa8");
	for (const char *p = c->name; *p; p++) {
		if (p[0] == '*' && p[1] == '/')
			text_puts(&t, "* ");
		else
			text_add(&t, p, 1);
	}
	text_puts(&t, "\xe2\x9f\xa9 */");
	emit_line(e, indent, indent_len, t.buf);
	free(t.buf);
}

static void expand_chunk(struct emitter *e, struct chunk *c, const char *indent,
    size_t indent_len, const char *ref_file, int ref_line);

static void
expand_lines(struct emitter *e, char **lines, int nlines, const char *file,
    int first_line, const char *indent, size_t indent_len)
{
	emit_line_directive(e, first_line, file);
	for (int k = 0; k < nlines; k++) {
		size_t ref_indent;
		char *name = reference_in(lines[k], &ref_indent);
		if (!name) {
			emit_line(e, indent, indent_len, lines[k]);
			continue;
		}
		struct chunk *c = chunk_find(name);
		free(name);
		if (!c || !chunk_visible(c))
			continue;       /* defined in a later chapter: nothing yet */
		struct text ind = {0};
		text_add(&ind, indent, indent_len);
		text_add(&ind, lines[k], ref_indent);
		expand_chunk(e, c, ind.buf ? ind.buf : "", ind.len, file, first_line + k);
		free(ind.buf);
		if (k + 1 < nlines)
			emit_line_directive(e, first_line + k + 1, file);
	}
}

static void
expand_chunk(struct emitter *e, struct chunk *c, const char *indent, size_t indent_len,
    const char *ref_file, int ref_line)
{
	if (c->expanding) {
		error_at(ref_file, ref_line, "chunk <<%s>> refers to itself (a cycle)", c->name);
		return;
	}
	c->expanding = 1;
	for (struct definition *d = c->first; d; d = d->next) {
		if (!definition_visible(d))
			continue;
		emit_chunk_comment(e, indent, indent_len, c);
		if (subst.exercise && d->exercise && strcmp(d->exercise, subst.exercise) == 0) {
			subst.found = 1;
			expand_lines(e, subst.lines, subst.nlines, subst.file, 1, indent, indent_len);
		} else {
			expand_lines(e, d->body, d->nlines, d->chapter->path, d->first_line,
			    indent, indent_len);
		}
	}
	c->expanding = 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Make every directory above path. */
static void
make_parents(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			die("cannot create directory %s: %s", p, strerror(errno));
		*s = '/';
	}
	free(p);
}

/* Write only when the bytes differ, so that make rebuilds only what changed. */
static void
write_if_changed(const char *path, const struct text *t)
{
	size_t oldlen;
	char *old = read_file(path, &oldlen);
	const char *data = t->buf ? t->buf : "";
	if (old && oldlen == t->len && memcmp(old, data, t->len) == 0) {
		free(old);
		return;
	}
	free(old);
	make_parents(path);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, t->len, f) != t->len || fclose(f) != 0)
		die("cannot write %s: %s", path, strerror(errno));
}

static char *
join_path(const char *dir, const char *name)
{
	struct text t = {0};
	if (dir && *dir && strcmp(dir, ".") != 0)
		text_printf(&t, "%s/%s", dir, name);
	else
		text_puts(&t, name);
	return t.buf;
}

/* The banner names every chapter that contributed to the file. */
static void
collect_chapters(struct chunk *c, int *seen)
{
	if (c->expanding)
		return;
	c->expanding = 1;
	for (struct definition *d = c->first; d; d = d->next) {
		if (!definition_visible(d))
			continue;
		seen[d->chapter - chapters] = 1;
		for (int k = 0; k < d->nlines; k++) {
			char *name = reference_in(d->body[k], NULL);
			struct chunk *r = name ? chunk_find(name) : NULL;
			free(name);
			if (r && chunk_visible(r))
				collect_chapters(r, seen);
		}
	}
	c->expanding = 0;
}

static void
emit_banner(struct emitter *e, struct chunk *root)
{
	int *seen = xmalloc(sizeof(int) * (size_t)nchapters);
	memset(seen, 0, sizeof(int) * (size_t)nchapters);
	collect_chapters(root, seen);
	struct text t = {0};
	text_puts(&t, "/*\n * Generated by tools/lit from the book; do not edit this file.\n"
	    " * Edit the chapter, then run 'make tangle'.  Written from:\n");
	for (int i = 0; i < nchapters; i++)
		if (seen[i])
			text_printf(&t, " *   %s\n", chapters[i].path);
	text_puts(&t, " */\n");
	text_puts(&e->out, t.buf);
	for (const char *p = t.buf; *p; p++)
		if (*p == '\n')
			e->line_count++;
	free(t.buf);
	free(seen);
}

static int
cmp_chunk_names(const void *a, const void *b)
{
	const struct chunk *x = *(const struct chunk *const *)a;
	const struct chunk *y = *(const struct chunk *const *)b;
	return strcmp(x->name, y->name);
}

/* Remove every file below dir that is not one of the roots just written, so
 * that a tree under OUT/src is exactly the tangle (a chunk renamed or moved
 * leaves no stale file behind). */
static void
prune_tree(const char *outdir, const char *dir, struct chunk **roots, int nroots)
{
	char *full = join_path(outdir, dir);
	DIR *dp = opendir(full);
	if (!dp) {
		free(full);
		return;
	}
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct text rel = {0};
		text_printf(&rel, "%s/%s", dir, de->d_name);
		char *path = join_path(outdir, rel.buf);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			prune_tree(outdir, rel.buf, roots, nroots);
		} else {
			int keep = 0;
			for (int i = 0; i < nroots && !keep; i++)
				keep = strcmp(roots[i]->name, rel.buf) == 0;
			if (!keep && unlink(path) == 0)
				fprintf(stderr, "lit: removed stale %s\n", path);
		}
		free(path);
		free(rel.buf);
	}
	closedir(dp);
	free(full);
}

static int
cmd_tangle(const char *outdir, int list_only)
{
	struct chunk **roots = xmalloc(sizeof(*roots) * (size_t)(nchunks ? nchunks : 1));
	int nroots = 0;
	for (int i = 0; i < nchunks; i++)
		if (is_root_name(chunks[i]->name) && chunk_visible(chunks[i]))
			roots[nroots++] = chunks[i];
	qsort(roots, (size_t)nroots, sizeof(*roots), cmp_chunk_names);

	struct text *outputs = xmalloc(sizeof(*outputs) * (size_t)(nroots ? nroots : 1));
	for (int i = 0; i < nroots; i++) {
		struct emitter e = {0};
		e.c_like = ends_with(roots[i]->name, ".c") || ends_with(roots[i]->name, ".h");
		if (e.c_like)
			emit_banner(&e, roots[i]);
		for (struct definition *d = roots[i]->first; d; d = d->next)
			if (definition_visible(d))
				expand_lines(&e, d->body, d->nlines, d->chapter->path,
				    d->first_line, "", 0);
		outputs[i] = e.out;
	}
	if (subst.exercise && !subst.found) {
		fprintf(stderr, "lit: no exercise %s in the chapters tangled\n", subst.exercise);
		return 2;
	}
	if (error_count)
		return 1;
	for (int i = 0; i < nroots; i++) {
		if (list_only) {
			printf("%s\n", roots[i]->name);
		} else {
			char *path = join_path(outdir, roots[i]->name);
			write_if_changed(path, &outputs[i]);
			free(path);
		}
		free(outputs[i].buf);
	}
	if (!list_only)
		prune_tree(outdir, "src", roots, nroots);
	free(outputs);
	free(roots);
	return 0;
}

/* ------------------------------------------------------------- exercises */

/* An exercise chunk holds exactly one function: a signature, a line "{",
 * the body, and a line "}" that ends the chunk. */
struct function_shape {
	int open;        /* index of the "{" line */
	char *name;
};

static int
function_shape(const struct definition *d, struct function_shape *f)
{
	int open = -1, close = -1, last = d->nlines - 1;
	while (last >= 0 && d->body[last][0] == '\0')
		last--;
	for (int k = 0; k <= last; k++) {
		if (strcmp(d->body[k], "{") == 0) {
			if (open >= 0)
				return -1;
			open = k;
		} else if (strcmp(d->body[k], "}") == 0) {
			if (close >= 0)
				return -1;
			close = k;
		}
	}
	if (open < 1 || close != last)
		return -1;
	/* The name is the identifier just before the first '(' of the signature. */
	for (int k = 0; k < open; k++) {
		const char *paren = strchr(d->body[k], '(');
		if (!paren)
			continue;
		const char *end = paren;
		while (end > d->body[k] && end[-1] == ' ')
			end--;
		const char *start = end;
		while (start > d->body[k] && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
			start--;
		if (start == end)
			return -1;
		f->open = open;
		f->name = xstrndup(start, (size_t)(end - start));
		return 0;
	}
	return -1;
}

static int
signature_returns_void(const struct definition *d, int open)
{
	const char *first = d->body[0];
	while (strncmp(first, "static ", 7) == 0 || strncmp(first, "inline ", 7) == 0)
		first += 7;
	return strncmp(first, "void", 4) == 0 && !strchr(first, '*') &&
	    (first[4] == '\0' || first[4] == ' ' || first[4] == '\t') && open > 0;
}

static int
cmp_exercise_ids(const char *a, const char *b)
{
	int a1 = atoi(a), b1 = atoi(b);
	if (a1 != b1)
		return a1 - b1;
	const char *da = strchr(a, '.'), *db = strchr(b, '.');
	return (da ? atoi(da + 1) : 0) - (db ? atoi(db + 1) : 0);
}

static int
cmp_exercise_defs(const void *a, const void *b)
{
	const struct definition *x = *(const struct definition *const *)a;
	const struct definition *y = *(const struct definition *const *)b;
	return cmp_exercise_ids(x->exercise, y->exercise);
}

/* Exercises in numeric order, each checked: id form, chapter, shape, uniqueness,
 * and numbers that rise in reading order within a chapter. */
static struct definition **
collect_exercises(int *count)
{
	struct definition **ex = xmalloc(sizeof(*ex) * (size_t)(ndefs ? ndefs : 1));
	int n = 0;
	for (int i = 0; i < ndefs; i++) {
		struct definition *d = defs[i];
		if (!d->exercise)
			continue;
		const char *dot = strchr(d->exercise, '.');
		struct function_shape f;
		if (!dot || atoi(d->exercise) != d->chapter->number || atoi(dot + 1) <= 0) {
			error_at(d->chapter->path, d->attr_line,
			    "exercise '%s' must be numbered %d.M in this chapter",
			    d->exercise, d->chapter->number);
			continue;
		}
		if (function_shape(d, &f) < 0) {
			error_at(d->chapter->path, d->attr_line,
			    "exercise %s must hold exactly one function definition "
			    "(signature, a line '{', the body, a last line '}')", d->exercise);
			continue;
		}
		free(f.name);
		for (int k = 0; k < n; k++)
			if (strcmp(ex[k]->exercise, d->exercise) == 0)
				error_at(d->chapter->path, d->attr_line,
				    "exercise %s is already defined at %s:%d", d->exercise,
				    ex[k]->chapter->path, ex[k]->attr_line);
		/* A reader meets a chapter's exercises in the order of their numbers. */
		if (n > 0 && ex[n - 1]->chapter == d->chapter &&
		    cmp_exercise_ids(ex[n - 1]->exercise, d->exercise) > 0)
			error_at(d->chapter->path, d->attr_line,
			    "exercise %s comes after exercise %s (%s:%d) in the chapter: "
			    "number a chapter's exercises in reading order", d->exercise,
			    ex[n - 1]->exercise, ex[n - 1]->chapter->path, ex[n - 1]->attr_line);
		ex[n++] = d;
	}
	for (int i = 0; i < nstarters; i++) {
		int found = 0;
		for (int k = 0; k < n; k++)
			found |= strcmp(ex[k]->exercise, starters[i].exercise) == 0;
		if (!found)
			error_at(starters[i].chapter->path, starters[i].line,
			    "starter block for exercise %s, which no chunk defines",
			    starters[i].exercise);
	}
	qsort(ex, (size_t)n, sizeof(*ex), cmp_exercise_defs);
	*count = n;
	return ex;
}

static char *
exercise_function(const struct definition *d)
{
	struct function_shape f;
	if (function_shape(d, &f) < 0)
		return xstrdup("unknown");
	return f.name;
}

static struct starter_block *
find_starter(const char *exercise)
{
	for (int i = 0; i < nstarters; i++)
		if (strcmp(starters[i].exercise, exercise) == 0)
			return &starters[i];
	return NULL;
}

static void
starter_text(const struct definition *d, struct text *t)
{
	struct function_shape f;
	function_shape(d, &f);
	text_printf(t, "/*\n * Exercise %s: write %s().\n *\n", d->exercise, f.name);
	text_printf(t, " * Read \"%s\" in %s.\n", d->section, d->chapter->path);
	text_printf(t, " * This file stands in for the chunk \xe2\x9f\xa8%s\xe2\x9f\xa9 when you run\n"
	    " *     make exercise EX=%s\n", d->chunk->name, d->exercise);
	if (d->hint)
		text_printf(t, " * Hint: %s\n", d->hint);
	text_puts(t, " */\n");
	struct starter_block *s = find_starter(d->exercise);
	if (s) {
		for (int k = 0; k < s->nlines; k++)
			text_printf(t, "%s\n", s->body[k]);
	} else {
		for (int k = 0; k <= f.open; k++)
			text_printf(t, "%s\n", d->body[k]);
		text_puts(t, "\t/* Your code here. */\n");
		if (d->stub)
			text_printf(t, "\t%s\n", d->stub);
		else if (!signature_returns_void(d, f.open))
			text_puts(t, "\treturn 0;\n");
		text_puts(t, "}\n");
	}
	free(f.name);
}

static int
cmd_starters(const char *outdir)
{
	int n;
	struct definition **ex = collect_exercises(&n);
	if (error_count)
		return 1;
	for (int i = 0; i < n; i++) {
		struct text t = {0};
		starter_text(ex[i], &t);
		char *fn = exercise_function(ex[i]);
		struct text name = {0};
		text_printf(&name, "%s/%s-%s.c", ex[i]->chapter->dir, ex[i]->exercise, fn);
		char *path = join_path(outdir, name.buf);
		write_if_changed(path, &t);
		free(path);
		free(name.buf);
		free(fn);
		free(t.buf);
	}
	free(ex);
	return 0;
}

/* Tabs and newlines cannot appear in a field of the tab-separated manifest. */
static void
put_field(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' ? ' ' : *s);
}

static int
cmd_manifest(void)
{
	int n;
	struct definition **ex = collect_exercises(&n);
	if (error_count)
		return 1;
	for (int i = 0; i < n; i++) {
		struct definition *d = ex[i];
		char *fn = exercise_function(d);
		printf("%s\t%s\t%s\t", d->exercise, d->chapter->dir, fn);
		put_field(d->chunk->name);
		putchar('\t');
		put_field(d->section);
		putchar('\t');
		put_field(d->hint ? d->hint : "");
		printf("\t%s:%d\t", d->chapter->path, d->attr_line);
		put_field(d->tests ? d->tests : "");
		putchar('\n');
		free(fn);
	}
	free(ex);
	return 0;
}

/* ------------------------------------------------------------- long chunks */

/*
 * A chunk should be short enough to explain in a paragraph.  This lists the
 * definitions over the limit, in book order, for `make check-tangle` to print
 * as a to-do list; those whose block says why they must be long (long="...")
 * are counted apart.
 */
static int
cmd_long(int limit)
{
	int todo = 0, explained = 0;
	for (int i = 0; i < ndefs; i++) {
		struct definition *d = defs[i];
		if (d->nlines <= limit)
			continue;
		if (d->long_reason) {
			explained++;
			continue;
		}
		printf("%s:%d: \xe2\x9f\xa8%s\xe2\x9f\xa9%s is %d lines\n", d->chapter->path,
		    d->attr_line, d->chunk->name, d->seq > 1 ? " (continued)" : "", d->nlines);
		todo++;
	}
	printf("%d chunk definition%s over %d lines to split or explain; %d explained (long=\"...\")\n",
	    todo, todo == 1 ? "" : "s", limit, explained);
	return 0;
}

/* ------------------------------------------------------------------ weave */

/*
 * The weave writes each chapter back out as ordinary AsciiDoc.  A chunk block
 * gets a title with an inline anchor (pandoc keeps inline anchors, not block
 * ones), reference lines become tokens LITREFnnnnnn that `lit fixrefs` turns
 * into links after highlighting (a highlighter would mangle markup placed in
 * the code), and a line after the block links to where the chunk is used and
 * continued.
 */
struct refslot {
	struct chunk *chunk;
};

static struct refslot *refslots;
static int nrefslots;

static int
ref_token(struct chunk *c)
{
	refslots = xrealloc(refslots, sizeof(*refslots) * (size_t)(nrefslots + 1));
	refslots[nrefslots].chunk = c;
	return ++nrefslots;
}

/* Text that AsciiDoc must show as written goes through pass:c[], which
 * escapes HTML and stops formatting and replacements (a hint holds code:
 * "<=" must not become an arrow, nor "_x_" italics); only a ']' needs a
 * backslash there. */
static void
put_passthrough(struct text *t, const char *before, const char *s, const char *after)
{
	text_puts(t, "pass:c[");
	text_puts(t, before);
	for (; *s; s++) {
		if (*s == ']')
			text_add(t, "\\", 1);
		text_add(t, s, 1);
	}
	text_puts(t, after);
	text_puts(t, "]");
}

/* A chunk name, between its angle brackets. */
static void
put_name(struct text *t, const char *name)
{
	put_passthrough(t, "\xe2\x9f\xa8", name, "\xe2\x9f\xa9");
}

static void
put_plain(struct text *t, const char *s)
{
	put_passthrough(t, "", s, "");
}

static void
put_link(struct text *t, const char *anchor, const char *name)
{
	text_printf(t, "<<%s,", anchor);
	put_name(t, name);
	text_puts(t, ">>");
}

/* The definitions that refer to chunk c, each listed once per chunk. */
static void
put_used_in(struct text *t, struct chunk *c)
{
	int count = 0;
	for (int i = 0; i < ndefs; i++) {
		struct definition *d = defs[i];
		int refers = 0;
		for (int k = 0; k < d->nlines && !refers; k++) {
			char *name = reference_in(d->body[k], NULL);
			refers = name && strcmp(name, c->name) == 0;
			free(name);
		}
		if (!refers)
			continue;
		text_puts(t, count++ ? ", " : "Used in ");
		put_link(t, d->anchor, d->chunk->name);
	}
	if (count)
		text_puts(t, ".");
}

/* The listing of one definition: its title, its lines with each reference
 * a token for `lit fixrefs`, and the links to where it is used and continued.
 * The title carries the definition's anchor unless the anchor is elsewhere
 * (an exercise's is on the exercise, so that a link never lands inside the
 * answer). */
static void
weave_listing(struct text *t, struct definition *d, int with_anchor)
{
	struct chunk *c = d->chunk;
	text_puts(t, ".");
	if (with_anchor)
		text_printf(t, "[[%s]]", d->anchor);
	put_name(t, c->name);
	text_puts(t, d->seq > 1 ? " {plus}\xe2\x89\xa1\n" : " \xe2\x89\xa1\n");
	text_puts(t, "[source,c,role=chunk]\n----\n");
	for (int k = 0; k < d->nlines; k++) {
		size_t indent;
		char *name = reference_in(d->body[k], &indent);
		struct chunk *r = name ? chunk_find(name) : NULL;
		free(name);
		if (!r) {
			text_printf(t, "%s\n", d->body[k]);
			continue;
		}
		text_add(t, d->body[k], indent);
		text_printf(t, "LITREF%06d\n", ref_token(r));
	}
	text_puts(t, "----\n");
	text_puts(t, "[.chunk-links]\n");
	if (is_root_name(c->name))
		text_printf(t, "This chunk is the file `%s`.", c->name);
	else
		put_used_in(t, c);
	if (d->next) {
		text_puts(t, " Continued in ");
		put_link(t, d->next->anchor, c->name);
		text_puts(t, ".");
	}
	text_puts(t, "\n");
}

/* "5.1" -> "solution-5-1" */
static void
put_solution_id(struct text *t, const char *exercise)
{
	text_puts(t, "solution-");
	for (const char *p = exercise; *p; p++)
		text_add(t, *p == '.' ? "-" : p, 1);
}

/*
 * An exercise is stated where its function belongs, and the chunk's anchor
 * is on the statement.  In the HTML the solution follows, folded; anywhere
 * else (an e-reader, paper, which cannot fold) the statement links to the
 * solution in an appendix (weave_solutions), so the answer is never printed
 * under the question.
 */
static void
weave_exercise(struct text *t, struct definition *d)
{
	char *fn = exercise_function(d);
	text_printf(t, "[.exercise]\n[[%s]]*Exercise %s.* Write `%s()`: edit `exercises/%s/%s-%s.c`"
	    " and run `make exercise EX=%s`.", d->anchor, d->exercise, fn, d->chapter->dir,
	    d->exercise, fn, d->exercise);
	if (d->hint) {
		text_puts(t, " _Hint:_ ");
		put_plain(t, d->hint);
	}
	text_puts(t, "\n\n");
	text_printf(t, "ifdef::backend-html5[]\n.Solution to exercise %s (open it when you have tried)\n"
	    "[%%collapsible]\n====\n", d->exercise);
	weave_listing(t, d, 0);
	text_puts(t, "====\nendif::[]\nifndef::backend-html5[]\nThe book's solution, ");
	put_name(t, d->chunk->name);
	text_puts(t, ", is in the appendix: <<");
	put_solution_id(t, d->exercise);
	text_printf(t, ",solution to exercise %s>>.\nendif::[]\n", d->exercise);
	free(fn);
}

static void
weave_definition(struct text *t, struct definition *d)
{
	if (d->exercise)
		weave_exercise(t, d);
	else
		weave_listing(t, d, 1);
}

static struct definition *
definition_at(struct chapter *ch, int attr_line)
{
	for (int i = 0; i < ndefs; i++)
		if (defs[i]->chapter == ch && defs[i]->attr_line == attr_line)
			return defs[i];
	return NULL;
}

static struct starter_block *
starter_at(struct chapter *ch, int attr_line)
{
	for (int i = 0; i < nstarters; i++)
		if (starters[i].chapter == ch && starters[i].attr_line == attr_line)
			return &starters[i];
	return NULL;
}

static void
weave_chapter(struct chapter *ch, const char *outdir)
{
	struct text t = {0};
	int i = 0;
	while (i < ch->nlines) {
		struct definition *d = definition_at(ch, i + 1);
		if (!d && i + 1 < ch->nlines && is_title_line(ch->lines[i]))
			d = definition_at(ch, i + 2);
		if (d) {
			weave_definition(&t, d);
			i = d->first_line + d->nlines;   /* the closing delimiter, 0-based + 1 */
			continue;
		}
		struct starter_block *s = starter_at(ch, i + 1);
		if (!s && i + 1 < ch->nlines && is_title_line(ch->lines[i]))
			s = starter_at(ch, i + 2);
		if (s) {
			text_printf(&t, ".Starter for exercise %s\n[source,c]\n----\n", s->exercise);
			for (int k = 0; k < s->nlines; k++)
				text_printf(&t, "%s\n", s->body[k]);
			text_puts(&t, "----\n");
			i = s->line + s->nlines + 1;
			continue;
		}
		text_printf(&t, "%s\n", ch->lines[i]);
		i++;
	}
	struct text name = {0};
	const char *base = strrchr(ch->path, '/');
	text_printf(&name, "%s/%s", ch->dir, base ? base + 1 : ch->path);
	char *path = join_path(outdir, name.buf);
	write_if_changed(path, &t);
	free(path);
	free(name.buf);
	free(t.buf);
}

/* Which definitions tangle into public headers: walk from each root. */
static void
mark_public(struct chunk *c, int *public_defs)
{
	if (c->expanding)
		return;
	c->expanding = 1;
	for (struct definition *d = c->first; d; d = d->next) {
		for (int i = 0; i < ndefs; i++)
			if (defs[i] == d)
				public_defs[i] = 1;
		for (int k = 0; k < d->nlines; k++) {
			char *name = reference_in(d->body[k], NULL);
			struct chunk *r = name ? chunk_find(name) : NULL;
			free(name);
			if (r)
				mark_public(r, public_defs);
		}
	}
	c->expanding = 0;
}

struct index_entry {
	char *function;
	struct definition *def;
};

static int
cmp_index_entries(const void *a, const void *b)
{
	const struct index_entry *x = a, *y = b;
	int r = strcmp(x->function, y->function);
	return r ? r : strcmp(x->def->anchor, y->def->anchor);
}

static int
cmp_chunks_for_index(const void *a, const void *b)
{
	const struct chunk *x = *(const struct chunk *const *)a;
	const struct chunk *y = *(const struct chunk *const *)b;
	int r = strcasecmp(x->name, y->name);
	return r ? r : strcmp(x->name, y->name);
}

static int
is_public_declaration(const char *fn, int *public_defs)
{
	size_t n = strlen(fn);
	for (int i = 0; i < ndefs; i++) {
		if (!public_defs[i])
			continue;
		struct definition *d = defs[i];
		for (int k = 0; k < d->nlines; k++) {
			const char *line = d->body[k];
			for (const char *hit = strstr(line, fn); hit; hit = strstr(hit + 1, fn)) {
				if (hit > line && (isalnum((unsigned char)hit[-1]) || hit[-1] == '_'))
					continue;
				const char *after = hit + n;
				while (*after == ' ')
					after++;
				if (*after == '(')
					return 1;
			}
		}
	}
	return 0;
}

/* The appendix of solutions, for every edition but the HTML (which folds
 * each solution under its exercise): in numeric order, each linked back. */
static void
weave_solutions(struct text *t)
{
	int n;
	struct definition **ex = collect_exercises(&n);
	if (n == 0) {
		free(ex);
		return;
	}
	text_puts(t, "ifndef::backend-html5[]\n[appendix]\n[[solutions]]\n== Solutions to the exercises\n\n"
	    "Each exercise links to its solution here, and each solution links back: "
	    "try the exercise before you turn the page.\n\n");
	for (int i = 0; i < n; i++) {
		char *fn = exercise_function(ex[i]);
		text_puts(t, "[[");
		put_solution_id(t, ex[i]->exercise);
		text_printf(t, "]]*Exercise %s:* `%s()`, from chapter %d, _", ex[i]->exercise, fn,
		    ex[i]->chapter->number);
		put_plain(t, ex[i]->section);
		text_printf(t, "_ (<<%s,back to the exercise>>).\n\n", ex[i]->anchor);
		weave_listing(t, ex[i], 0);
		text_puts(t, "\n");
		free(fn);
	}
	text_puts(t, "endif::[]\n\n");
	free(ex);
}

static void
weave_index(const char *outdir)
{
	struct text t = {0};
	weave_solutions(&t);
	struct chunk **sorted = xmalloc(sizeof(*sorted) * (size_t)(nchunks ? nchunks : 1));
	memcpy(sorted, chunks, sizeof(*sorted) * (size_t)nchunks);
	qsort(sorted, (size_t)nchunks, sizeof(*sorted), cmp_chunks_for_index);

	text_puts(&t, "[appendix]\n[[index-of-chunks]]\n== Index of chunks\n\n");
	for (int i = 0; i < nchunks; i++) {
		struct chunk *c = sorted[i];
		text_puts(&t, "* ");
		put_link(&t, c->first->anchor, c->name);
		text_printf(&t, " -- chapter %d", c->first->chapter->number);
		int seq = 0;
		for (struct definition *d = c->first->next; d; d = d->next) {
			text_puts(&t, seq++ ? ", " : "; continued in ");
			text_printf(&t, "<<%s,%d>>", d->anchor, d->seq);
		}
		text_puts(&t, "\n");
	}

	int *public_defs = xmalloc(sizeof(int) * (size_t)(ndefs ? ndefs : 1));
	memset(public_defs, 0, sizeof(int) * (size_t)(ndefs ? ndefs : 1));
	for (int i = 0; i < nchunks; i++)
		if (strncmp(chunks[i]->name, "src/include/", 12) == 0)
			mark_public(chunks[i], public_defs);

	struct index_entry *entries = NULL;
	int nentries = 0;
	for (int i = 0; i < ndefs; i++) {
		struct definition *d = defs[i];
		if (public_defs[i])
			continue;
		for (int k = 1; k < d->nlines; k++) {
			const char *line = d->body[k], *prev = d->body[k - 1];
			if (!(isalpha((unsigned char)line[0]) || line[0] == '_'))
				continue;
			const char *p = line;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (*p != '(' || prev[0] == '\0' || isspace((unsigned char)prev[0]) ||
			    strchr(prev, ';') || strstr(prev, "static") || prev[0] == '#' ||
			    prev[0] == '/' || prev[0] == '}' || prev[0] == '*')
				continue;
			char *fn = xstrndup(line, (size_t)(p - line));
			if (!is_public_declaration(fn, public_defs)) {
				free(fn);
				continue;
			}
			entries = xrealloc(entries, sizeof(*entries) * (size_t)(nentries + 1));
			entries[nentries].function = fn;
			entries[nentries].def = d;
			nentries++;
		}
	}
	qsort(entries, (size_t)nentries, sizeof(*entries), cmp_index_entries);
	text_puts(&t, "\n[appendix]\n[[index-of-functions]]\n== Index of public functions\n\n");
	if (nentries == 0)
		text_puts(&t, "No public function is defined yet.\n");
	for (int i = 0; i < nentries; i++) {
		text_printf(&t, "* `%s` -- ", entries[i].function);
		put_link(&t, entries[i].def->anchor, entries[i].def->chunk->name);
		text_puts(&t, "\n");
		free(entries[i].function);
	}
	free(entries);
	free(public_defs);
	free(sorted);

	char *path = join_path(outdir, "index.adoc");
	write_if_changed(path, &t);
	free(path);
	free(t.buf);
}

/* The book titles a chunk's first definition with the chunk's name, so a
 * block title written above it in the chapter must say the same (a root,
 * named by its path, may have a title in words; a continuation says what it
 * adds). */
static void
check_block_titles(void)
{
	for (int i = 0; i < ndefs; i++) {
		struct definition *d = defs[i];
		if (d->seq > 1 || is_root_name(d->chunk->name) || d->title_line == d->attr_line)
			continue;
		const char *title = d->chapter->lines[d->title_line - 1] + 1;
		if (strcmp(title, d->chunk->name) != 0)
			error_at(d->chapter->path, d->title_line,
			    "block title '%s' does not match its chunk <<%s>>, whose name the book shows",
			    title, d->chunk->name);
	}
}

/* The book numbers its chapters 1, 2, 3: prose says "chapter 5", never
 * "chapter 05" (the directory's spelling). */
static void
check_chapter_references(void)
{
	for (int c = 0; c < nchapters; c++) {
		struct chapter *ch = &chapters[c];
		for (int i = 0; i < ch->nlines; i++) {
			const char *line = ch->lines[i];
			for (const char *p = line; *p; p++) {
				if (strncasecmp(p, "chapter", 7) != 0)
					continue;
				const char *q = p + 7;
				if (*q == 's')
					q++;
				if (q[0] == ' ' && q[1] == '0' && isdigit((unsigned char)q[2]))
					error_at(ch->path, i + 1, "write \"chapter %c\", as the book numbers it, "
					    "not \"%.*s\"", q[2], (int)(q + 3 - p), p);
			}
		}
	}
}

static int
cmd_weave(const char *outdir)
{
	int n;
	free(collect_exercises(&n));
	check_block_titles();
	check_chapter_references();
	if (error_count)
		return 1;
	for (int i = 0; i < nchapters; i++)
		weave_chapter(&chapters[i], outdir);
	weave_index(outdir);

	struct text refs = {0};
	for (int i = 0; i < nrefslots; i++) {
		text_printf(&refs, "LITREF%06d\t%s\t", i + 1, refslots[i].chunk->first->anchor);
		text_puts(&refs, refslots[i].chunk->name);
		text_puts(&refs, "\n");
	}
	char *path = join_path(outdir, "refs.tsv");
	write_if_changed(path, &refs);
	free(path);
	free(refs.buf);
	return 0;
}

/* ----------------------------------------------------------------- fixrefs */

static void
put_escaped(struct text *t, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': text_puts(t, "&lt;"); break;
		case '>': text_puts(t, "&gt;"); break;
		case '&': text_puts(t, "&amp;"); break;
		case '"': text_puts(t, "&quot;"); break;
		default: text_add(t, s, 1);
		}
	}
}

/* Where each id="..." of the pages is: a link to an id on another page (an
 * EPUB is one page per chapter) must name that page. */
struct id_place {
	char *id;
	int file;
};

static struct id_place *
collect_ids(int nfiles, char **docs, int *count)
{
	struct id_place *ids = NULL;
	int n = 0;
	for (int f = 0; f < nfiles; f++) {
		for (const char *p = strstr(docs[f], " id=\""); p; p = strstr(p + 1, " id=\"")) {
			const char *start = p + 5, *end = strchr(start, '"');
			if (!end)
				break;
			ids = xrealloc(ids, sizeof(*ids) * (size_t)(n + 1));
			ids[n].id = xstrndup(start, (size_t)(end - start));
			ids[n].file = f;
			n++;
		}
	}
	*count = n;
	return ids;
}

static int
page_of(const struct id_place *ids, int nids, const char *id)
{
	for (int i = 0; i < nids; i++)
		if (strcmp(ids[i].id, id) == 0)
			return ids[i].file;
	return -1;
}

/* The lines of refs.tsv (token, anchor, chunk name). */
static char **
read_refs(const char *refs_path, int *count)
{
	char *buf = read_file(refs_path, NULL);
	if (!buf)
		die("cannot read %s", refs_path);
	char **lines = split_lines(buf, count);
	free(buf);
	return lines;
}

static int
cmd_fixrefs(const char *refs_path, int nfiles, char **files)
{
	int nrefs;
	char **refs = read_refs(refs_path, &nrefs);

	char **docs = xmalloc(sizeof(*docs) * (size_t)nfiles);
	for (int f = 0; f < nfiles; f++)
		if (!(docs[f] = read_file(files[f], NULL)))
			die("cannot read %s", files[f]);
	int nids;
	struct id_place *ids = collect_ids(nfiles, docs, &nids);

	for (int f = 0; f < nfiles; f++) {
		struct text out = {0};
		const char *p = docs[f];
		for (const char *hit = strstr(p, "LITREF"); hit; hit = strstr(p, "LITREF")) {
			text_add(&out, p, (size_t)(hit - p));
			int num = atoi(hit + 6);
			if (num < 1 || num > nrefs || strlen(hit) < 12) {
				text_add(&out, hit, 6);
				p = hit + 6;
				continue;
			}
			char *line = refs[num - 1];
			char *tab1 = strchr(line, '\t');
			char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
			if (!tab2)
				die("%s: malformed line %d", refs_path, num);
			char *anchor = xstrndup(tab1 + 1, (size_t)(tab2 - tab1 - 1));
			int page = page_of(ids, nids, anchor);
			const char *base = page >= 0 && page != f ? strrchr(files[page], '/') : NULL;
			text_printf(&out, "<a class=\"chunkref\" href=\"%s#%s\">",
			    page >= 0 && page != f ? (base ? base + 1 : files[page]) : "", anchor);
			text_puts(&out, "\xe2\x9f\xa8");
			put_escaped(&out, tab2 + 1);
			text_puts(&out, "\xe2\x9f\xa9</a>");
			free(anchor);
			p = hit + 12;
		}
		text_puts(&out, p);
		write_if_changed(files[f], &out);
		free(out.buf);
	}
	for (int i = 0; i < nids; i++)
		free(ids[i].id);
	free(ids);
	for (int f = 0; f < nfiles; f++)
		free(docs[f]);
	free(docs);
	for (int i = 0; i < nrefs; i++)
		free(refs[i]);
	free(refs);
	return 0;
}

/* --------------------------------------------------------------- checkhtml */

/*
 * What AsciiDoc's inline markup got wrong shows only in the rendered pages,
 * so `lit checkhtml` reads them (the HTML, the EPUB's pages) and reports:
 *
 *   - a backtick left in the text: a monospace span that never closed, or
 *     one whose closing backtick met an apostrophe and became a curly quote;
 *   - a typographic replacement inside inline code: an arrow made of "->"
 *     or "<=", an ellipsis, a dash, a curly quote -- code must read as typed
 *     (write it `+like this+`);
 *   - a chunk reference in a listing that is not a link (given refs.tsv,
 *     which names the chunks: a listing may show a made-up one);
 *   - a chunk's anchor inside a folded <details> (a solution): a browser
 *     unfolds it to show the target, and the answer with it;
 *   - a reference token that `lit fixrefs` left behind.
 */
struct html_state {
	const char *file;
	int line;
	int in_pre, in_code, in_link, in_raw;   /* depths; raw: script, style */
	int in_details;
	const char *last_id;                    /* the nearest id="..." before */
	size_t last_id_len;
	int problems;
};

/* The chunk names (from refs.tsv). */
static char **page_chunk_names;
static int npage_chunk_names;

static void
load_chunk_names(const char *refs_path)
{
	int n;
	char **lines = read_refs(refs_path, &n);
	for (int i = 0; i < n; i++) {
		char *tab = strrchr(lines[i], '\t');
		if (tab) {
			page_chunk_names = xrealloc(page_chunk_names,
			    sizeof(*page_chunk_names) * (size_t)(npage_chunk_names + 1));
			page_chunk_names[npage_chunk_names++] = xstrdup(tab + 1);
		}
		free(lines[i]);
	}
	free(lines);
}

/* Is the text after a "\xe2\x9f\xa8" at p, up to its "\xe2\x9f\xa9", a chunk name?  A
 * highlighter may have split it into spans (tags do not count) and written
 * its quotes and ampersands as entities. */
static int
names_a_chunk(const char *p)
{
	const char *end = strstr(p + 3, "\xe2\x9f\xa9");
	if (!end)
		return 0;
	struct text name = {0};
	for (const char *q = p + 3; q < end; q++) {
		static const char *const entities[][2] = {
			{ "&#39;", "'" }, { "&apos;", "'" }, { "&quot;", "\"" }, { "&amp;", "&" },
			{ "&lt;", "<" }, { "&gt;", ">" },
		};
		size_t k, nent = sizeof(entities) / sizeof(entities[0]);
		if (*q == '<') {
			q = strchr(q, '>');
			if (!q || q > end)
				break;
			continue;
		}
		for (k = 0; k < nent; k++)
			if (strncmp(q, entities[k][0], strlen(entities[k][0])) == 0)
				break;
		if (k < nent) {
			text_puts(&name, entities[k][1]);
			q += strlen(entities[k][0]) - 1;
		} else {
			text_add(&name, q, 1);
		}
	}
	int found = 0;
	for (int i = 0; i < npage_chunk_names && !found; i++)
		found = name.buf && strcmp(page_chunk_names[i], name.buf) == 0;
	free(name.buf);
	return found;
}

/* Decode one character of text at p (UTF-8 or an entity); return its length. */
static int
html_char(const char *p, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)p;
	if (*p == '&') {
		const char *semi = strchr(p, ';');
		if (semi && semi - p < 10) {
			static const struct { const char *name; unsigned cp; } named[] = {
				{ "&rarr;", 0x2192 }, { "&larr;", 0x2190 }, { "&rArr;", 0x21D2 },
				{ "&lArr;", 0x21D0 }, { "&hellip;", 0x2026 }, { "&mdash;", 0x2014 },
				{ "&rsquo;", 0x2019 }, { "&lsquo;", 0x2018 }, { "&ldquo;", 0x201C },
				{ "&rdquo;", 0x201D },
			};
			if (p[1] == '#') {
				*cp = (unsigned)strtoul(p + 2 + (p[2] == 'x'), NULL, p[2] == 'x' ? 16 : 10);
				return (int)(semi - p + 1);
			}
			for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
				if (strncmp(p, named[i].name, strlen(named[i].name)) == 0) {
					*cp = named[i].cp;
					return (int)(semi - p + 1);
				}
		}
		*cp = '&';
		return 1;
	}
	if (u[0] >= 0xE0 && u[0] < 0xF0 && u[1] && u[2]) {
		*cp = ((unsigned)(u[0] & 0x0F) << 12) | ((unsigned)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
		return 3;
	}
	*cp = u[0];
	return 1;
}

/* The text around a problem, tags dropped, on one line. */
static void
html_report(struct html_state *st, const char *doc, const char *at, const char *what)
{
	const char *from = at - 80 > doc ? at - 80 : doc, *to = at;
	for (int n = 0; *to && n < 60; to++, n++)
		;
	struct text ctx = {0};
	int in_tag = 0;
	for (const char *q = from; q < to; q++) {
		if (*q == '<')
			in_tag = 1;
		else if (*q == '>')
			in_tag = 0;
		else if (!in_tag)
			text_add(&ctx, *q == '\n' ? " " : q, 1);
	}
	fprintf(stderr, "%s:%d: %s (after id \"%.*s\"): ...%s...\n", st->file, st->line, what,
	    (int)st->last_id_len, st->last_id ? st->last_id : "", ctx.buf ? ctx.buf : "");
	free(ctx.buf);
	st->problems++;
}

/* Follow one tag: which kinds of text we are in, and the last id seen. */
static const char *
html_tag(struct html_state *st, const char *doc, const char *p)
{
	int closing = p[1] == '/';
	const char *name = p + 1 + closing, *end = strchr(p, '>');
	size_t len = 0;
	while (isalnum((unsigned char)name[len]))
		len++;
	if (!end)
		end = p + strlen(p) - 1;
	for (const char *q = p; q < end; q++)
		if (*q == '\n')
			st->line++;
	const char *id = strstr(p, " id=\"");
	if (id && id < end) {
		st->last_id = id + 5;
		st->last_id_len = strcspn(id + 5, "\"");
		if (st->in_details && strncmp(st->last_id, "chunk-", 6) == 0)
			html_report(st, doc, p, "a chunk's anchor inside a folded solution "
			    "(following a link to it would unfold the answer)");
	}
	int step = closing ? -1 : (end[-1] == '/' ? 0 : 1);
#define TAG(s) (len == strlen(s) && strncasecmp(name, s, len) == 0)
	if (TAG("pre"))
		st->in_pre += step;
	else if (TAG("code"))
		st->in_code += step;
	else if (TAG("a"))
		st->in_link += step;
	else if (TAG("details"))
		st->in_details += step;
	else if (TAG("script") || TAG("style"))
		st->in_raw += step;
#undef TAG
	return end + 1;
}

static void
check_page(const char *file, const char *doc)
{
	struct html_state st = { .file = file, .line = 1 };
	const char *p = doc;
	while (*p) {
		if (*p == '<') {
			p = html_tag(&st, doc, p);
			continue;
		}
		if (*p == '\n')
			st.line++;
		unsigned cp;
		int n = html_char(p, &cp);
		if (st.in_raw) {
			/* script and style are not text */
		} else if (strncmp(p, "LITREF", 6) == 0) {
			html_report(&st, doc, p, "a chunk reference token that lit fixrefs did not replace");
		} else if (cp == '`' && !st.in_pre) {
			html_report(&st, doc, p, "a stray backtick in the text (a monospace span that did not close)");
		} else if (st.in_code && !st.in_pre &&
		    (cp == 0x21D0 || cp == 0x21D2 || cp == 0x2192 || cp == 0x2190 || cp == 0x2026 ||
		    cp == 0x2014 || cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D)) {
			html_report(&st, doc, p, "a typographic replacement inside inline code (write the code `+like this+`)");
		} else if (cp == 0x27E8 && st.in_pre && !st.in_link && names_a_chunk(p)) {
			html_report(&st, doc, p, "a chunk reference in a listing that is not a link");
		}
		p += n;
	}
	if (st.problems)
		fprintf(stderr, "%s: %d problem%s of inline markup\n", file, st.problems,
		    st.problems == 1 ? "" : "s");
	error_count += st.problems;
}

static int
cmd_checkhtml(int nfiles, char **files)
{
	if (nfiles >= 2 && strcmp(files[0], "--refs") == 0) {
		load_chunk_names(files[1]);
		nfiles -= 2;
		files += 2;
	}
	for (int f = 0; f < nfiles; f++) {
		char *doc = read_file(files[f], NULL);
		if (!doc)
			die("cannot read %s", files[f]);
		check_page(files[f], doc);
		free(doc);
	}
	return error_count ? 1 : 0;
}

/* ------------------------------------------------------------------- main */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: lit tangle [--out DIR] [--upto NN] [--lines] [--exercise N.M=FILE] [--list] CHAPTERS...\n"
	    "       lit weave --out DIR CHAPTERS...\n"
	    "       lit starters --out DIR CHAPTERS...\n"
	    "       lit manifest CHAPTERS...\n"
	    "       lit fixrefs REFS.TSV FILE...\n"
	    "       lit long [--over N] CHAPTERS...\n"
	    "       lit checkhtml [--refs REFS.TSV] PAGE...\n");
	exit(2);
}

static void
load_substitution(const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq)
		usage();
	subst.exercise = xstrndup(arg, (size_t)(eq - arg));
	subst.file = xstrdup(eq + 1);
	char *buf = read_file(subst.file, NULL);
	if (!buf)
		die("cannot read %s: %s", subst.file, strerror(errno));
	subst.lines = split_lines(buf, &subst.nlines);
	free(buf);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	const char *outdir = ".";
	int list_only = 0, i = 2, over = 40;

	if (strcmp(cmd, "fixrefs") == 0) {
		if (argc < 4)
			usage();
		return cmd_fixrefs(argv[2], argc - 3, argv + 3);
	}
	if (strcmp(cmd, "checkhtml") == 0) {
		if (argc < 3)
			usage();
		return cmd_checkhtml(argc - 2, argv + 2);
	}
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			outdir = argv[++i];
		else if (strcmp(argv[i], "--upto") == 0 && i + 1 < argc)
			upto = atoi(argv[++i]);
		else if (strcmp(argv[i], "--lines") == 0)
			want_line_directives = 1;
		else if (strcmp(argv[i], "--list") == 0)
			list_only = 1;
		else if (strcmp(argv[i], "--exercise") == 0 && i + 1 < argc)
			load_substitution(argv[++i]);
		else if (strcmp(argv[i], "--over") == 0 && i + 1 < argc)
			over = atoi(argv[++i]);
		else
			usage();
	}
	load_chapters(argc - i, argv + i);
	check_references();
	/* A prefix build or a learner's substitution leaves chunks unused on purpose. */
	if (upto == 99 && !subst.exercise)
		check_unused();

	int rc;
	if (strcmp(cmd, "tangle") == 0)
		rc = cmd_tangle(outdir, list_only);
	else if (strcmp(cmd, "weave") == 0)
		rc = cmd_weave(outdir);
	else if (strcmp(cmd, "starters") == 0)
		rc = cmd_starters(outdir);
	else if (strcmp(cmd, "manifest") == 0)
		rc = cmd_manifest();
	else if (strcmp(cmd, "long") == 0)
		rc = cmd_long(over);
	else
		usage();
	if (error_count && rc == 0)
		rc = 1;
	if (error_count)
		fprintf(stderr, "lit: %d error%s; nothing written\n", error_count,
		    error_count == 1 ? "" : "s");
	return rc;
}
