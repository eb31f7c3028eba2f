using Cluster.Interfaces.Calls;

namespace Cluster.Tests.Unit.Calls;

public sealed class LogSamplerTests
{
    [Fact]
    public void OneEventAnIntervalAndTheCountOfTheRest()
    {
        var s = new LogSampler(TimeSpan.FromSeconds(1));
        Assert.True(s.Admit(10_000, out var more));
        Assert.Equal(0, more);
        Assert.False(s.Admit(10_100, out _));
        Assert.False(s.Admit(10_999, out _));
        Assert.True(s.Admit(11_000, out more));
        Assert.Equal(2, more);
        Assert.True(s.Admit(20_000, out more));
        Assert.Equal(0, more);
    }
}
