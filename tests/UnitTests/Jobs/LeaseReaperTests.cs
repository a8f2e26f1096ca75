using Platform.Jobs;

namespace Platform.UnitTests.Jobs;

public sealed class LeaseReaperTests
{
    [Test]
    public void StaleQueuedJobs_AreLookedForAtATenthOfRequeueAfter()
    {
        var defaults = new JobsOptions();
        Assert.That(LeaseReaper.ResendInterval(defaults), Is.EqualTo(TimeSpan.FromSeconds(90)), "15 minutes / 10");
        Assert.That(defaults.ReaperInterval, Is.EqualTo(TimeSpan.FromSeconds(5)), "leases are still checked every 5 s");
    }

    [Test]
    public void StaleQueuedJobs_AreNeverLookedForMoreOftenThanLeases()
    {
        var quick = new JobsOptions { RequeueAfter = TimeSpan.FromSeconds(1), ReaperInterval = TimeSpan.FromMilliseconds(250) };
        Assert.That(LeaseReaper.ResendInterval(quick), Is.EqualTo(TimeSpan.FromMilliseconds(250)));
    }
}
