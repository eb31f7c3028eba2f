using Cluster.Silo.Api;
using Cluster.Silo.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Tests.Unit.Api;

public class AuditLogTests
{
    [Fact]
    public void TheLogRotatesAndKeepsFiveOldFiles()
    {
        var dir = Directory.CreateTempSubdirectory("audit-").FullName;
        var log = new AuditLog(new SiloSettings { DataDir = dir }, NullLogger<AuditLog>.Instance) { MaxBytes = 2_000 };
        for (var i = 0; i < 200; i++)
        {
            var c = new DefaultHttpContext();
            c.Request.Method = "POST";
            c.Request.Path = "/api/v1/namespaces/default/configmaps";
            c.Response.StatusCode = 201;
            log.Record(c, DateTime.UtcNow);
        }
        var files = Directory.GetFiles(Path.Combine(dir, "audit")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["audit.log", "audit.log.1", "audit.log.2", "audit.log.3", "audit.log.4", "audit.log.5"], files);
        Assert.All(Directory.GetFiles(Path.Combine(dir, "audit")), f => Assert.True(new FileInfo(f).Length <= 2_000));
        Assert.Contains("\"verb\":\"create\"", File.ReadAllText(Path.Combine(dir, "audit", "audit.log")));
    }
}
