/* Token buckets (core/bucket.c): starts full, spends one per take, earns
 * one per interval up to the burst, ignores a clock that goes back. */
#include <criterion/criterion.h>

#include "bucket.h"

Test(bucket, starts_full_and_runs_dry)
{
	struct bucket b;
	int i;

	bucket_init(&b, 3, 1000);
	for (i = 0; i < 3; i++)
		cr_expect_eq(bucket_take(&b, 1000, 100000, 3), 1, "take %d", i);
	cr_expect_eq(bucket_take(&b, 1000, 100000, 3), 0, "dry");
}

Test(bucket, earns_one_per_interval_up_to_the_burst)
{
	struct bucket b;

	bucket_init(&b, 2, 0);
	cr_assert_eq(bucket_take(&b, 0, 100000, 2), 1);
	cr_assert_eq(bucket_take(&b, 0, 100000, 2), 1);
	cr_expect_eq(bucket_take(&b, 99999, 100000, 2), 0, "not yet earned");
	cr_expect_eq(bucket_take(&b, 100000, 100000, 2), 1, "one earned");
	cr_expect_eq(bucket_refill(&b, 10000000, 100000, 2), 1, "full again");
	cr_expect_float_eq(b.tokens, 2.0, 1e-9, "capped at the burst");
}

Test(bucket, clock_going_back_earns_nothing)
{
	struct bucket b;

	bucket_init(&b, 1, 5000000);
	cr_assert_eq(bucket_take(&b, 5000000, 1000, 1), 1);
	cr_expect_eq(bucket_take(&b, 1000000, 1000, 1), 0);
	cr_expect_eq(b.at_us, 5000000, "the later time is kept");
}

Test(bucket, zero_interval_never_refills)
{
	struct bucket b;

	bucket_init(&b, 1, 0);
	cr_assert_eq(bucket_take(&b, 0, 0, 1), 1);
	cr_expect_eq(bucket_take(&b, 1000000000, 0, 1), 0);
}
