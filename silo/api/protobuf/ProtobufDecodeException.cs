namespace Cluster.Silo.Api.Protobuf;

/// <summary>
/// A Kubernetes protobuf request body could not be turned into JSON: it is malformed (bad magic, truncated
/// or overlong varints, lengths past the end of the buffer, wrong wire types, invalid UTF-8) or it carries
/// a kind this decoder does not know. The message is meant to be shown to the client.
/// </summary>
public sealed class ProtobufDecodeException : Exception
{
    public ProtobufDecodeException(string message) : base(message) { }
    public ProtobufDecodeException(string message, Exception inner) : base(message, inner) { }
}
