/* Tests of the session module's pure helpers: the constant-time token
 * comparison used for host and resume tokens. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "server.h"
#include "text.h"

struct tok_case {
	char given[40],
	    stored[40]; /* inline: parameters are copied to the test process */
	bool want;
};

ParameterizedTestParameters(session, token_eq)
{
	static struct tok_case cases[] = {
	    {"0123456789abcdef0123456789abcdef",
	     "0123456789abcdef0123456789abcdef", true},
	    {"0123456789abcdef0123456789abcdee",
	     "0123456789abcdef0123456789abcdef", false},
	    {"1123456789abcdef0123456789abcdef",
	     "0123456789abcdef0123456789abcdef", false},
	    {"0123456789abcdef", "0123456789abcdef0123456789abcdef", false},
	    {"0123456789abcdef0123456789abcdef0",
	     "0123456789abcdef0123456789abcdef", false},
	    {"", "0123456789abcdef0123456789abcdef", false},
	    {"0123456789abcdef0123456789abcdef", "", false},
	    {"", "", true},
	};
	return cr_make_param_array(struct tok_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct tok_case *tc, session, token_eq)
{
	cr_expect_eq(text_secret_eq(tc->given, tc->stored), tc->want,
		     "'%s' vs '%s'", tc->given, tc->stored);
}
