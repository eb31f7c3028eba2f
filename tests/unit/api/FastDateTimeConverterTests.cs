using System.Text.Json;
using Cluster.Interfaces.Api;
using k8s;
using k8s.Models;

namespace Cluster.Tests.Unit.Api;

/// <summary><see cref="FastDateTimeConverter"/> reads and writes every timestamp exactly as KubernetesClient's own
/// converter does, and is the one the library's options use.</summary>
public class FastDateTimeConverterTests
{
    static readonly FastDateTimeConverter Fast = FastDateTimeConverter.Installed!;
    static readonly JsonSerializerOptions WithFast = new() { Converters = { Fast } };
    static readonly JsonSerializerOptions WithLibrary = new() { Converters = { Fast.Fallback } };

    [Fact]
    public void TheLibrarysOptionsUseIt()
    {
        Assert.NotNull(FastDateTimeConverter.Installed);
        var read = KubernetesJson.Deserialize<V1ObjectMeta>("""{"creationTimestamp":"2026-12-07T18:00:00Z"}""");
        Assert.Equal(new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc), read.CreationTimestamp);
        Assert.Equal(DateTimeKind.Utc, read.CreationTimestamp!.Value.Kind);
        Assert.Contains("\"creationTimestamp\":\"2026-12-07T18:00:00Z\"", KubernetesJson.Serialize(read));
    }

    [Theory]
    [InlineData("2026-12-07T18:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("0999-02-28T23:59:59Z")]
    [InlineData("2024-02-29T12:34:56Z")]
    [InlineData("2026-12-07T18:00:00.5Z")]
    [InlineData("2026-12-07T18:00:00.123456Z")]
    [InlineData("2026-12-07T18:00:00.1234567Z")]
    [InlineData("2026-12-07T18:00:00.123456789Z")]
    [InlineData("2026-12-07T18:00:00.000000001Z")]
    public void ReadsAsTheLibraryDoes(string text)
    {
        var json = JsonSerializer.Serialize(text);
        var library = JsonSerializer.Deserialize<DateTime>(json, WithLibrary);
        Assert.True(FastDateTimeConverter.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out _));
        var fast = JsonSerializer.Deserialize<DateTime>(json, WithFast);
        Assert.Equal(library, fast);
        Assert.Equal(library.Kind, fast.Kind);
    }

    [Theory]
    [InlineData("2026-12-07T18:00:00+02:00")]
    [InlineData("2026-12-07T18:00:00.1234567891Z")]
    [InlineData("2026-12-07 18:00:00Z")]
    [InlineData("2026-02-30T18:00:00Z")]
    [InlineData("2026-12-07T24:00:00Z")]
    [InlineData("2026-12-07T18:00:60Z")]
    [InlineData("2026-12-07T18:00:00.Z")]
    [InlineData("2026-12-07T18:00:00")]
    [InlineData("2026-12-07T18:00:00ZZ")]
    [InlineData("not a time")]
    public void LeavesEverythingElseToTheLibrary(string text)
    {
        Assert.False(FastDateTimeConverter.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out _));
        var json = JsonSerializer.Serialize(text);
        Exception? libraryError = null, fastError = null;
        DateTime library = default, fast = default;
        try { library = JsonSerializer.Deserialize<DateTime>(json, WithLibrary); } catch (Exception e) { libraryError = e; }
        try { fast = JsonSerializer.Deserialize<DateTime>(json, WithFast); } catch (Exception e) { fastError = e; }
        Assert.Equal(libraryError?.GetType(), fastError?.GetType());
        Assert.Equal(library, fast);
    }

    [Fact]
    public void AnEscapedStringGoesToTheLibrary()
    {
        const string json = "\"2026-12-07T18:00:00\\u005a\"";
        Assert.Equal(JsonSerializer.Deserialize<DateTime>(json, WithLibrary), JsonSerializer.Deserialize<DateTime>(json, WithFast));
        Assert.Equal(new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc), JsonSerializer.Deserialize<DateTime>(json, WithFast));
    }

    public static TheoryData<DateTime> Times() =>
    [
        new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc),
        new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc).AddTicks(5),
        new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc).AddTicks(1_234_567),
        new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc).AddTicks(9_999_999),
        new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Unspecified),
        new DateTime(2026, 12, 7, 18, 0, 0, DateTimeKind.Local).AddMilliseconds(250),
        new DateTime(999, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        DateTime.UtcNow,
    ];

    [Theory]
    [MemberData(nameof(Times))]
    public void WritesAsTheLibraryDoes(DateTime time) =>
        Assert.Equal(JsonSerializer.Serialize(time, WithLibrary), JsonSerializer.Serialize(time, WithFast));
}
