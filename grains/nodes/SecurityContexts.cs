using Cluster.Grains.Runtime;
using k8s.Models;

namespace Cluster.Grains.Nodes;

/// <summary>
/// A container's effective securityContext (the container's fields over the pod's), as the engine needs it, and the
/// kubelet's runAsNonRoot check against the image's user, with the kubelet's messages.
/// </summary>
public static class SecurityContexts
{
    public static (ContainerSecurity? Security, string? Error) Resolve(V1Pod pod, V1Container c, string? imageUser)
    {
        var psc = pod.Spec.SecurityContext;
        var csc = c.SecurityContext;
        var uid = csc?.RunAsUser ?? psc?.RunAsUser;
        var gid = csc?.RunAsGroup ?? psc?.RunAsGroup;
        var where = $"pod: \"{pod.Metadata.Name}_{pod.Metadata.NamespaceProperty}({pod.Metadata.Uid})\", container: {c.Name}";
        var imageUid = (imageUser ?? "").Split(':')[0];
        if ((csc?.RunAsNonRoot ?? psc?.RunAsNonRoot) == true)
        {
            if (uid == 0) return (null, $"container's runAsUser breaks non-root policy ({where})");
            if (uid == null)
            {
                if (imageUser == null) return (null, $"container has runAsNonRoot and the image's user is unknown, cannot verify user is non-root ({where})");
                if (imageUid is "" or "root" or "0") return (null, $"container has runAsNonRoot and image will run as root ({where})");
                if (!long.TryParse(imageUid, out _)) return (null, $"container has runAsNonRoot and image has non-numeric user ({imageUid}), cannot verify user is non-root ({where})");
            }
        }
        string? user = uid != null ? (gid != null ? $"{uid}:{gid}" : $"{uid}") : gid != null ? $"{(imageUid.Length > 0 ? imageUid : "0")}:{gid}" : null;
        var caps = csc?.Capabilities;
        return (new ContainerSecurity(
            user,
            csc?.ReadOnlyRootFilesystem == true,
            caps?.Add?.ToList() ?? [],
            caps?.Drop?.ToList() ?? [],
            csc?.AllowPrivilegeEscalation == false,
            csc?.Privileged == true), null);
    }
}
