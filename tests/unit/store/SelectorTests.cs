using Cluster.Grains.Store;

namespace Cluster.Tests.Unit.Store;

public class SelectorTests
{
    static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["env"] = "prod" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("tier in (front, back)", true)]
    [InlineData("tier notin (front)", false)]
    [InlineData("env", true)]
    [InlineData("!env", false)]
    [InlineData("!missing", true)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web),env notin (dev),tier", true)]
    [InlineData("", true)]
    public void LabelSelectorMatches(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app=web=x")]
    [InlineData("app in web")]
    [InlineData("a b c")]
    public void BadLabelSelectorIsRefusedNamingThePart(string selector)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.Contains("unable to parse requirement", e.Message);
    }

    [Fact]
    public void FieldSelectorOnSupportedFields()
    {
        var fields = new Dictionary<string, string> { ["metadata.name"] = "a", ["spec.nodeName"] = "n1", ["status.phase"] = "Running" };
        Assert.True(FieldSelector.Parse("spec.nodeName=n1,status.phase!=Pending").Matches(fields));
        Assert.False(FieldSelector.Parse("metadata.name==b").Matches(fields));
        Assert.Contains("field label not supported: spec.foo", Assert.Throws<FormatException>(() => FieldSelector.Parse("spec.foo=x")).Message);
    }

    [Fact]
    public void SelectorFromModelUsesMatchLabelsAndExpressions()
    {
        var s = LabelSelector.FromModel(new k8s.Models.V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [new k8s.Models.V1LabelSelectorRequirement { Key = "env", OperatorProperty = "In", Values = ["prod", "stage"] }],
        });
        Assert.True(s.Matches(Labels));
        Assert.False(s.Matches(new Dictionary<string, string> { ["app"] = "web", ["env"] = "dev" }));
    }
}
