using Cluster.Grains.Store;

namespace Cluster.Tests.Unit.Store;

public class DecodedTests
{
    [Fact]
    public void AnUnchangedStringIsNotDecodedAgainAndWhatAPassLeftOutIsForgotten()
    {
        var decodes = 0;
        var decoded = new Decoded<string>(json => { decodes++; return "decoded " + json; });
        string a = new('a', 3), b = new('b', 3), c = new('c', 3);

        Assert.Equal(["decoded aaa", "decoded bbb"], decoded.Decode([a, b]));
        Assert.Equal(2, decodes);
        var again = decoded.Decode([a, b, c]); // a and b kept, c new
        Assert.Equal(3, decodes);
        Assert.Equal(["decoded aaa", "decoded bbb", "decoded ccc"], again);
        decoded.Decode([c]);                   // a and b left out of this pass
        Assert.Equal(3, decodes);
        decoded.Decode([a, c]);                // a is decoded again, c kept
        Assert.Equal(4, decodes);
        decoded.Decode([new string('c', 3)]);  // equal text, another string: decoded (keys are instances)
        Assert.Equal(5, decodes);
        // The tables are used in turn: the result of an earlier pass is not disturbed by later ones.
        Assert.Equal(["decoded aaa", "decoded bbb", "decoded ccc"], again);
    }

    [Fact]
    public void ClearedItHoldsNoStringAndDecodesAgain()
    {
        var decodes = 0;
        var decoded = new Decoded<string>(json => { decodes++; return "decoded " + json; });
        var weak = Hold(decoded, () => decodes);
        Assert.Equal(1, decodes);
        decoded.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // What the table was keyed by is gone with it (an owner at rest must not keep its pods' old JSON alive).
        Assert.False(weak.TryGetTarget(out _));
        decoded.Decode([new string('a', 3)]);
        Assert.Equal(2, decodes);
    }

    // A separate frame, so that no local of the test keeps the string.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static WeakReference<string> Hold(Decoded<string> decoded, Func<int> decodes)
    {
        var json = new string('a', 3);
        decoded.Decode([json]);
        decoded.Decode([json]);
        Assert.Equal(1, decodes());
        return new WeakReference<string>(json);
    }
}
