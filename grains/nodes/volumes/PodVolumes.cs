using System.Text;
using Cluster.Grains.Store;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Store;
using k8s.Models;

namespace Cluster.Grains.Nodes.Volumes;

/// <summary>A host directory or file bound into a container.</summary>
public sealed record Bind(string HostPath, string ContainerPath, bool ReadOnly)
{
    public string DockerBind => $"{HostPath}:{ContainerPath}:{(ReadOnly ? "ro" : "rw")}";
}

/// <summary>
/// The volumes of the pods on one node, as directories under the node's data directory
/// ({root}/{pod uid}/volumes/{name}), bound into the containers:
/// emptyDir (lives as long as the pod), hostPath, and configMap / secret projected into files. Projected files are
/// rewritten when their ConfigMap or Secret changes (each sync pass), atomically (write aside, then rename), so a
/// running container sees the new content in place, as Kubernetes does for volume mounts.
/// </summary>
public sealed class PodVolumes(string root, IGrainFactory grains, string node = "")
{
    public string Root => root;

    // Whether something may lie under the root that a sweep has not seen: true at start (what a previous run left)
    // and whenever a path under the root is handed out (every one comes from here). Without it each agent pass
    // stat'ed the root: with 5,000 simulated nodes, 1.6% of a loaded silo's busy time, for directories that never exist.
    volatile bool _mayHaveDirs = true;

    string PodDir(string uid) { _mayHaveDirs = true; return Path.Combine(root, uid); }
    string VolumeDir(string uid, string name) => Path.Combine(PodDir(uid), "volumes", name);

    /// <summary>The binds for one container, preparing every volume it mounts; or the reason it cannot start.</summary>
    public async Task<(IReadOnlyList<Bind> Binds, string? Error)> PrepareAsync(V1Pod pod, V1Container c)
    {
        var binds = new List<Bind>();
        foreach (var m in c.VolumeMounts ?? [])
        {
            var v = pod.Spec.Volumes?.FirstOrDefault(x => x.Name == m.Name);
            if (v == null) return ([], $"volume \"{m.Name}\" not found in the pod's volumes");
            var (source, readOnly, error) = await SourceAsync(pod, v);
            if (error != null) return ([], error);
            if (!string.IsNullOrEmpty(m.SubPath))
            {
                if (m.SubPath.Split('/').Contains("..") || Path.IsPathRooted(m.SubPath)) return ([], $"invalid subPath \"{m.SubPath}\": must be a relative path without '..'");
                source = Path.Combine(source!, m.SubPath);
                if (!File.Exists(source)) Directory.CreateDirectory(source);
            }
            binds.Add(new Bind(source!, m.MountPath, readOnly || m.ReadOnlyProperty == true));
        }
        return (binds, null);
    }

    async Task<(string? Source, bool ReadOnly, string? Error)> SourceAsync(V1Pod pod, V1Volume v)
    {
        var uid = pod.Metadata.Uid;
        if (v.EmptyDir != null)
        {
            var dir = VolumeDir(uid, v.Name);
            Directory.CreateDirectory(dir);
            return (dir, false, null);
        }
        if (v.HostPath != null)
        {
            var path = v.HostPath.Path;
            switch (v.HostPath.Type ?? "")
            {
                case "DirectoryOrCreate": Directory.CreateDirectory(path); break;
                case "Directory" when !Directory.Exists(path): return (null, false, $"hostPath type check failed: {path} is not a directory");
                case "File" when !File.Exists(path): return (null, false, $"hostPath type check failed: {path} is not a file");
                case "FileOrCreate" when !File.Exists(path):
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await File.WriteAllBytesAsync(path, []);
                    break;
            }
            return (path, false, null);
        }
        if (v.ConfigMap != null || v.Secret != null)
        {
            var error = await ProjectAsync(pod, v);
            return error == null ? (VolumeDir(uid, v.Name), true, null) : (null, true, error);
        }
        if (v.PersistentVolumeClaim is { } claim) return await ClaimAsync(pod, claim);
        return (null, false, $"volume \"{v.Name}\": this cluster supports emptyDir, hostPath, configMap, secret and persistentVolumeClaim volumes");
    }

    /// <summary>A claim's volume: a Docker named volume (ours, recorded as living on this node) or a host path.</summary>
    async Task<(string? Source, bool ReadOnly, string? Error)> ClaimAsync(V1Pod pod, V1PersistentVolumeClaimVolumeSource claim)
    {
        var r = await grains.For(new ObjectKey("PersistentVolumeClaim", pod.Metadata.NamespaceProperty, claim.ClaimName)).Get();
        if (!r.Ok) return (null, false, $"persistentvolumeclaim \"{claim.ClaimName}\" not found");
        var pvc = Objects.FromJson<V1PersistentVolumeClaim>(r.Json!);
        if (pvc.Status?.Phase != "Bound" || string.IsNullOrEmpty(pvc.Spec.VolumeName))
            return (null, false, $"persistentvolumeclaim \"{claim.ClaimName}\" is not bound");
        var pvGrain = grains.GetGrain<IPersistentVolumeGrain>(new ObjectKey("PersistentVolume", "", pvc.Spec.VolumeName).GrainKey);
        var pr = await pvGrain.Get();
        if (!pr.Ok) return (null, false, $"persistentvolume \"{pvc.Spec.VolumeName}\" not found");
        var pv = Objects.FromJson<V1PersistentVolume>(pr.Json!);
        var readOnly = claim.ReadOnlyProperty == true;
        if (pv.Spec.Csi?.Driver == Storage.VolumeBinding.Provisioner)
        {
            if (node.Length > 0) await pvGrain.Attach(node);
            return (pv.Spec.Csi.VolumeHandle, readOnly, null);
        }
        if (pv.Spec.HostPath?.Path is { } hp) { Directory.CreateDirectory(hp); return (hp, readOnly, null); }
        if (pv.Spec.Local?.Path is { } lp) return (lp, readOnly, null);
        return (null, false, $"persistentvolume \"{pv.Metadata.Name}\": this cluster mounts its own (Docker named) volumes, hostPath and local volumes");
    }

    /// <summary>Re-projects the configMap and secret volumes of a running pod (their objects may have changed).</summary>
    public async Task RefreshAsync(V1Pod pod)
    {
        foreach (var v in pod.Spec.Volumes ?? [])
            if ((v.ConfigMap != null || v.Secret != null) && Directory.Exists(VolumeDir(pod.Metadata.Uid, v.Name)))
                await ProjectAsync(pod, v);
    }

    /// <summary>Removes the volumes of pods no longer on this node.</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _hosts = new();

    /// <summary>The pod's managed /etc/hosts ({root}/{uid}/etc-hosts).</summary>
    public string HostsPath(string uid) => Path.Combine(PodDir(uid), "etc-hosts");

    /// <summary>
    /// Writes the pod's hosts file when its content changed. In place, not by rename: it is bound as a single file,
    /// and a bind follows the inode, so a renamed-over file would never reach the running containers.
    /// </summary>
    public bool WriteHosts(string uid, string content)
    {
        // Rewritten every sync pass: what was last written is remembered, so an unchanged file costs no read.
        if (_hosts.TryGetValue(uid, out var last) && last == content) return false;
        var path = HostsPath(uid);
        Directory.CreateDirectory(PodDir(uid));
        using (var f = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            f.Write(bytes);
            f.SetLength(bytes.Length);
        }
        _hosts[uid] = content;
        return true;
    }

    /// <summary>Forgets and removes what belongs to pods that are not live (isLive: by pod uid).</summary>
    public void RemoveExcept(Func<string, bool> isLive)
    {
        foreach (var (uid, _) in _hosts) if (!isLive(uid)) _hosts.TryRemove(uid, out _);
        if (!_mayHaveDirs) return;
        _mayHaveDirs = false; // before looking: a path handed out meanwhile sets it again
        if (!Directory.Exists(root)) return;
        var left = false;
        foreach (var dir in Directory.GetDirectories(root))
            if (isLive(Path.GetFileName(dir))) left = true;
            else
                try { Directory.Delete(dir, recursive: true); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { left = true; }
        if (left) _mayHaveDirs = true;
    }

    async Task<string?> ProjectAsync(V1Pod pod, V1Volume v)
    {
        var ns = pod.Metadata.NamespaceProperty;
        Dictionary<string, byte[]> data;
        IList<V1KeyToPath>? items;
        int mode;
        if (v.ConfigMap is { } cmv)
        {
            var r = await grains.For(new ObjectKey("ConfigMap", ns, cmv.Name)).Get();
            if (!r.Ok)
            {
                if (cmv.Optional == true) { data = []; }
                else return $"configmap \"{cmv.Name}\" not found";
            }
            else
            {
                var cm = Objects.FromJson<V1ConfigMap>(r.Json!);
                data = (cm.Data ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value));
                foreach (var (k, b) in cm.BinaryData ?? new Dictionary<string, byte[]>()) data[k] = b;
            }
            items = cmv.Items;
            mode = cmv.DefaultMode ?? 420;
        }
        else
        {
            var sv = v.Secret!;
            var r = await grains.For(new ObjectKey("Secret", ns, sv.SecretName)).Get();
            if (!r.Ok)
            {
                if (sv.Optional == true) { data = []; }
                else return $"secret \"{sv.SecretName}\" not found";
            }
            else data = (Objects.FromJson<V1Secret>(r.Json!).Data ?? new Dictionary<string, byte[]>()).ToDictionary(kv => kv.Key, kv => kv.Value);
            items = sv.Items;
            mode = sv.DefaultMode ?? 420;
        }

        var files = new Dictionary<string, (byte[] Content, int Mode)>();
        if (items is { Count: > 0 })
        {
            foreach (var item in items)
            {
                if (!data.TryGetValue(item.Key, out var content))
                    return $"{(v.ConfigMap != null ? "configmap" : "secret")} references non-existent key: {item.Key}";
                if (item.Path.Split('/').Contains("..") || Path.IsPathRooted(item.Path)) return $"invalid path \"{item.Path}\"";
                files[item.Path] = (content, item.Mode ?? mode);
            }
        }
        else foreach (var (k, content) in data) files[k] = (content, mode);
        Write(VolumeDir(pod.Metadata.Uid, v.Name), files);
        return null;
    }

    /// <summary>Makes the directory hold exactly these files; each changed file is replaced by a rename.</summary>
    static void Write(string dir, IReadOnlyDictionary<string, (byte[] Content, int Mode)> files)
    {
        Directory.CreateDirectory(dir);
        foreach (var (rel, (content, mode)) in files)
        {
            var path = Path.Combine(dir, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content)) continue;
            var tmp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp");
            File.WriteAllBytes(tmp, content);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, (UnixFileMode)mode);
            File.Move(tmp, path, overwrite: true);
        }
        foreach (var existing in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(dir, existing);
            if (!files.ContainsKey(rel)) File.Delete(existing);
        }
    }
}
