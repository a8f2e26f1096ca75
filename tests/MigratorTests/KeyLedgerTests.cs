using Platform.Migrator.Transfer;

namespace Platform.MigratorTests;

public class KeyLedgerTests
{
    [Test]
    public void RangeList_keeps_consecutive_keys_as_one_range()
    {
        var list = new KeyLedger.RangeList();
        foreach (var key in new long[] { 1, 2, 3, 7, 8, 10, long.MaxValue - 1, long.MaxValue })
        {
            list.Add(key);
        }

        Assert.That(list.Ranges, Is.EqualTo(new (long, long)[] { (1, 3), (7, 8), (10, 10), (long.MaxValue - 1, long.MaxValue) }));
    }

    [Test]
    public void RangeList_starts_a_new_range_for_a_key_out_of_order()
    {
        var list = new KeyLedger.RangeList();
        list.Add(5);
        list.Add(4);

        Assert.That(list.Ranges, Is.EqualTo(new (long, long)[] { (5, 5), (4, 4) }));
    }

    [Test]
    public void Merge_joins_overlapping_and_adjacent_ranges()
    {
        var merged = KeyLedger.Merge([(long.MinValue, long.MinValue), (1, 5), (3, 4), (6, 9), (11, 11), (11, 12), (12, 20), (long.MaxValue, long.MaxValue)]);

        Assert.That(merged, Is.EqualTo(new (long, long)[] { (long.MinValue, long.MinValue), (1, 9), (11, 20), (long.MaxValue, long.MaxValue) }));
    }
}
