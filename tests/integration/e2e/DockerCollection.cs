namespace Cluster.Tests.Integration.E2e;

/// <summary>Tests on the real Docker Engine run one class at a time: container starts share two cores.</summary>
[CollectionDefinition("docker", DisableParallelization = true)]
public sealed class DockerCollection;
