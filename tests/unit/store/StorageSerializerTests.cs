using System.Text;
using Cluster.Interfaces.Store;
using Cluster.Silo.Storage;

namespace Cluster.Tests.Unit.Store;

public class StorageSerializerTests
{
    [Fact]
    public void AnObjectRecordIsStoredAsItsJsonAndRecordsOfBeforeStillRead()
    {
        var s = new SystemTextJsonStorageSerializer();
        var json = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"é\"}}";
        var stored = s.Serialize(new ObjectRecord { Json = json });
        Assert.Equal(SystemTextJsonStorageSerializer.RawRecord, stored.ToArray()[0]);
        Assert.Equal(json, Encoding.UTF8.GetString(stored.ToArray().AsSpan(1)));
        Assert.Equal(json, s.Deserialize<ObjectRecord>(stored).Json);

        // As written before: the record serialized around the JSON.
        var old = new BinaryData(Encoding.UTF8.GetBytes("{\"Json\":" + System.Text.Json.JsonSerializer.Serialize(json) + "}"));
        Assert.Equal(json, s.Deserialize<ObjectRecord>(old).Json);
        Assert.Equal(json, SystemTextJsonStorageSerializer.Record(old.ToArray())!.Json);

        // Other state keeps its JSON.
        var other = s.Serialize(new Dictionary<string, int> { ["a"] = 1 });
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(other.ToArray()));
        Assert.Equal(1, s.Deserialize<Dictionary<string, int>>(other)["a"]);
    }
}
