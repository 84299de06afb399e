/*
 * ddl-describe.h: one-line text forms of parsed ALTERs and table models,
 * so that the table-driven ddl tests compare strings (and print the
 * actual value when they differ). Test-only; included by the
 * test-ddl-*.c programs.
 */
#ifndef OSC_TESTS_UNIT_DDL_DESCRIBE_H
#define OSC_TESTS_UNIT_DDL_DESCRIBE_H

#include "ddl/ddl.h"
#include "util/strbuf.h"

static OSC_UNUSED void describe_type(struct strbuf *sb, const struct ddl_type *t)
{
	size_t i;

	strbuf_addstr(sb, t->base ? t->base : "?");
	if (t->length >= 0)
		strbuf_addf(sb, "(%lld", t->length);
	if (t->length >= 0 && t->scale >= 0)
		strbuf_addf(sb, ",%d", t->scale);
	if (t->length >= 0)
		strbuf_addch(sb, ')');
	if (t->values_nr) {
		strbuf_addch(sb, '{');
		for (i = 0; i < t->values_nr; i++)
			strbuf_addf(sb, "%s%s", i ? "|" : "", t->values[i]);
		strbuf_addch(sb, '}');
	}
	if (t->is_unsigned)
		strbuf_addstr(sb, " unsigned");
	if (t->zerofill)
		strbuf_addstr(sb, " zerofill");
	if (t->binary_attr)
		strbuf_addstr(sb, " binary");
	if (t->charset)
		strbuf_addf(sb, " cs=%s", t->charset);
	if (t->collation)
		strbuf_addf(sb, " coll=%s", t->collation);
}

static OSC_UNUSED void describe_column(struct strbuf *sb, const struct ddl_column *c)
{
	static const char *const dk[] = { "", "NULL", "lit", "expr" };

	strbuf_addf(sb, "%s ", c->name);
	describe_type(sb, &c->type);
	if (!c->nullable)
		strbuf_addstr(sb, " NOT NULL");
	if (c->default_kind)
		strbuf_addf(sb, " DEFAULT[%s]=%s", dk[c->default_kind],
			    c->default_sql);
	if (c->on_update)
		strbuf_addf(sb, " ON UPDATE=%s", c->on_update);
	if (c->auto_increment)
		strbuf_addstr(sb, " AI");
	if (c->generated)
		strbuf_addf(sb, " GEN[%s]=%s",
			    c->generated == DDL_GEN_STORED ? "stored" :
							     "virtual",
			    c->gen_expr);
	if (c->invisible)
		strbuf_addstr(sb, " INVISIBLE");
	if (c->comment)
		strbuf_addf(sb, " COMMENT=%s", c->comment);
}

static OSC_UNUSED void describe_index(struct strbuf *sb, const struct ddl_index *ix)
{
	static const char *const kinds[] = { "PRIMARY", "UNIQUE", "KEY",
					     "FULLTEXT", "SPATIAL" };
	size_t i;

	strbuf_addf(sb, "%s %s(", kinds[ix->kind], ix->name ? ix->name : "?");
	for (i = 0; i < ix->parts_nr; i++) {
		const struct ddl_index_part *p = &ix->parts[i];

		if (i)
			strbuf_addch(sb, ',');
		strbuf_addstr(sb, p->column ? p->column : p->expr);
		if (p->prefix_len >= 0)
			strbuf_addf(sb, "[%lld]", p->prefix_len);
		if (p->desc)
			strbuf_addstr(sb, " DESC");
	}
	strbuf_addch(sb, ')');
}

static OSC_UNUSED void describe_clause(struct strbuf *sb, const struct ddl_clause *c)
{
	size_t i;

	strbuf_addstr(sb, ddl_clause_kind_name(c->kind));
	if (c->if_exists)
		strbuf_addstr(sb, " IF");
	if (c->name)
		strbuf_addf(sb, " %s", c->name);
	if (c->new_name)
		strbuf_addf(sb, " ->%s", c->new_name);
	for (i = 0; i < c->columns_nr; i++) {
		strbuf_addstr(sb, " [");
		describe_column(sb, &c->columns[i]);
		strbuf_addch(sb, ']');
	}
	if (c->position == DDL_POS_FIRST)
		strbuf_addstr(sb, " FIRST");
	if (c->position == DDL_POS_AFTER)
		strbuf_addf(sb, " AFTER %s", c->after);
	for (i = 0; i < c->indexes_nr; i++) {
		strbuf_addstr(sb, " {");
		describe_index(sb, &c->indexes[i]);
		strbuf_addch(sb, '}');
	}
	if (c->constraint) {
		strbuf_addf(sb, " <%s", c->constraint->kind ==
						 DDL_CONSTRAINT_CHECK ?
					 "check" :
					 "fk");
		for (i = 0; i < c->constraint->columns_nr; i++)
			strbuf_addf(sb, " %s", c->constraint->columns[i]);
		if (c->constraint->ref_table)
			strbuf_addf(sb, " ref=%s", c->constraint->ref_table);
		strbuf_addch(sb, '>');
	}
	if (c->default_kind)
		strbuf_addf(sb, " default=%s", c->default_sql);
	if (c->kind == DDL_ALTER_COLUMN_VISIBILITY)
		strbuf_addstr(sb, c->invisible ? " invisible" : " visible");
	for (i = 0; i < c->options_nr; i++)
		strbuf_addf(sb, " %s=%s", c->options[i].name,
			    c->options[i].value);
	if (c->charset)
		strbuf_addf(sb, " cs=%s", c->charset);
	if (c->collation)
		strbuf_addf(sb, " coll=%s", c->collation);
	if (c->partition_op)
		strbuf_addf(sb, " %s", c->partition_op);
}

static OSC_UNUSED void describe_alter(struct strbuf *sb, const struct ddl_alter *a)
{
	size_t i;

	for (i = 0; i < a->clauses_nr; i++) {
		if (i)
			strbuf_addstr(sb, "; ");
		describe_clause(sb, &a->clauses[i]);
	}
}

static OSC_UNUSED void describe_table(struct strbuf *sb, const struct ddl_table *t)
{
	size_t i;

	strbuf_addf(sb, "table %s", t->name ? t->name : "?");
	if (t->engine)
		strbuf_addf(sb, " engine=%s", t->engine);
	if (t->charset)
		strbuf_addf(sb, " cs=%s", t->charset);
	if (t->collation)
		strbuf_addf(sb, " coll=%s", t->collation);
	if (t->row_format)
		strbuf_addf(sb, " row_format=%s", t->row_format);
	if (t->comment)
		strbuf_addf(sb, " comment=%s", t->comment);
	if (t->partitioned)
		strbuf_addstr(sb, " partitioned");
	if (t->system_versioned)
		strbuf_addstr(sb, " versioned");
	strbuf_addch(sb, '\n');
	for (i = 0; i < t->columns_nr; i++) {
		strbuf_addstr(sb, "  ");
		describe_column(sb, &t->columns[i]);
		strbuf_addch(sb, '\n');
	}
	for (i = 0; i < t->indexes_nr; i++) {
		strbuf_addstr(sb, "  ");
		describe_index(sb, &t->indexes[i]);
		strbuf_addch(sb, '\n');
	}
	for (i = 0; i < t->constraints_nr; i++) {
		const struct ddl_constraint *c = &t->constraints[i];

		strbuf_addf(sb, "  %s %s: %s\n",
			    c->kind == DDL_CONSTRAINT_CHECK ? "CHECK" : "FK",
			    c->name ? c->name : "?", c->text);
	}
}

/* Print `s` as a C string literal (for writing expected values). */
static OSC_UNUSED void print_c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n\"\n\t\"", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

#endif
