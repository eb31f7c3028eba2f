using System.Security.Cryptography;
using Cluster.Grains.Store;

namespace Cluster.Tests.Unit.Store;

public class AtRestEncryptionTests
{
    static readonly string K1 = AtRestEncryption.NewKey("k1"), K2 = AtRestEncryption.NewKey("k2");

    [Fact]
    public void SealedRecordsHoldNoPlaintextAndOpenAgain()
    {
        var e = new AtRestEncryption(K1);
        const string json = "{\"kind\":\"Secret\",\"data\":{\"password\":\"czNjcmV0\"}}";
        var sealed1 = e.Seal(json);
        Assert.StartsWith("enc:aesgcm:v1:k1:", sealed1);
        Assert.DoesNotContain("czNjcmV0", sealed1);
        Assert.NotEqual(sealed1, e.Seal(json)); // a fresh nonce each time
        Assert.Equal(json, e.Open(sealed1));
        Assert.Equal(json, e.Open(json)); // written before encryption: still readable
    }

    [Fact]
    public void RotationOpensOldRecordsAndSealsWithTheNewKey()
    {
        var old = new AtRestEncryption(K1).Seal("{}");
        var rotated = new AtRestEncryption($"{K2},{K1}");
        Assert.Equal("{}", rotated.Open(old));
        Assert.StartsWith("enc:aesgcm:v1:k2:", rotated.Seal("{}"));
        var withoutOld = new AtRestEncryption(K2);
        Assert.Contains("\"k1\", which this silo does not have", Assert.ThrowsAny<CryptographicException>(() => withoutOld.Open(old)).Message);
    }

    [Fact]
    public void TamperingIsDetected()
    {
        var e = new AtRestEncryption(K1);
        var s = e.Seal("{\"a\":1}").ToCharArray();
        s[^5] = s[^5] == 'A' ? 'B' : 'A';
        Assert.ThrowsAny<CryptographicException>(() => e.Open(new string(s)));
    }

    [Theory]
    [InlineData("", "no encryption key given")]
    [InlineData("k1", "is not id=base64key")]
    [InlineData("k1=!!", "is not valid base64")]
    [InlineData("k1=AAAA", "must be 32 bytes")]
    public void BadKeyRingsAreNamed(string ring, string error) =>
        Assert.Contains(error, Assert.Throws<FormatException>(() => new AtRestEncryption(ring)).Message);
}
