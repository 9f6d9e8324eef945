/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for nscache/dnschan.c: the kernel's legacy NFS DNS channel protocol. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "nscache/dnschan.h"

static char qword[DNSCHAN_QWORD_MAX], name[DNSCHAN_NAME_MAX + 1];

static int parse(const char *s)
{
	return dnschan_parse_request(s, strlen(s), qword, name);
}

static void test_plain_name(void **state)
{
	assert_int_equal(parse("files.example.com\n"), 0);
	assert_string_equal(name, "files.example.com");
	assert_string_equal(qword, "files.example.com");
}

static void test_escapes_decoded_qword_kept(void **state)
{
	/* qword_add() writes '\\' as \134; a backslash is no hostname: answer negatively. */
	assert_int_equal(parse("a\\134b\n"), -EINVAL);
	assert_string_equal(qword, "a\\134b");
	/* The hex form: "\x" + pairs. */
	assert_int_equal(parse("\\x726566686f7374\n"), 0);
	assert_string_equal(name, "refhost");
	assert_string_equal(qword, "\\x726566686f7374");
	/* An escaped blank decodes to a blank: not a hostname. */
	assert_int_equal(parse("a\\040b\n"), -EINVAL);
}

static void test_not_hostnames(void **state)
{
	char longname[DNSCHAN_NAME_MAX + 3];

	assert_int_equal(parse("-leadingdash\n"), -EINVAL);
	assert_int_equal(parse(".dot\n"), -EINVAL);
	assert_int_equal(parse("sl/ash\n"), -EINVAL);
	assert_int_equal(parse("\xc3\xa9t\xc3\xa9\n"), -EINVAL);
	assert_string_equal(qword, "\xc3\xa9t\xc3\xa9");
	assert_int_equal(parse("bad\\9\n"), -EINVAL); /* broken octal escape */
	assert_int_equal(parse("\\x7\n"), -EINVAL);   /* odd hex */
	assert_int_equal(parse("\\x\n"), -EINVAL);
	memset(longname, 'a', DNSCHAN_NAME_MAX + 1);
	longname[DNSCHAN_NAME_MAX + 1] = '\n';
	longname[DNSCHAN_NAME_MAX + 2] = '\0';
	assert_int_equal(parse(longname), -EINVAL);
	longname[DNSCHAN_NAME_MAX] = '\n';
	longname[DNSCHAN_NAME_MAX + 1] = '\0';
	assert_int_equal(parse(longname), 0);
}

static void test_not_requests(void **state)
{
	char big[DNSCHAN_QWORD_MAX + 2];

	assert_int_equal(parse("noterminator"), -EBADMSG);
	assert_int_equal(parse("\n"), -EBADMSG);
	assert_int_equal(parse("two words\n"), -EBADMSG);
	assert_int_equal(parse("two\nlines\n"), -EBADMSG);
	assert_int_equal(dnschan_parse_request("a\0b\n", 4, qword, name), -EBADMSG);
	assert_int_equal(dnschan_parse_request(NULL, 0, qword, name), -EBADMSG);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(big), -EBADMSG);
}

static void test_answers(void **state)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char out[256];

	sin->sin_family = AF_INET;
	inet_pton(AF_INET, "10.99.1.1", &sin->sin_addr);
	assert_int_equal(dnschan_format_answer("refhost", &ss, 300, out, sizeof(out)), 22);
	assert_string_equal(out, "10.99.1.1 refhost 300\n");
	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "fd00::2", &sin6->sin6_addr);
	assert_true(dnschan_format_answer("\\x726566", &ss, 5, out, sizeof(out)) > 0);
	assert_string_equal(out, "fd00::2 \\x726566 5\n");
	assert_true(dnschan_format_answer("nosuch", NULL, 5, out, sizeof(out)) > 0);
	assert_string_equal(out, "- nosuch 5\n");
	assert_int_equal(dnschan_format_answer("refhost", NULL, 300, out, 10), -ENOBUFS);
	assert_int_equal(dnschan_format_answer("refhost", NULL, 0, out, sizeof(out)), -EINVAL);
	assert_int_equal(dnschan_format_answer("", NULL, 5, out, sizeof(out)), -EINVAL);
	ss.ss_family = AF_UNIX;
	assert_int_equal(dnschan_format_answer("x", &ss, 5, out, sizeof(out)), -EAFNOSUPPORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_name),
		cmocka_unit_test(test_escapes_decoded_qword_kept),
		cmocka_unit_test(test_not_hostnames),
		cmocka_unit_test(test_not_requests),
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
