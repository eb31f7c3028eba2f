using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Silo.Api.Patching;

/// <summary>
/// Kubernetes strategic merge patch (<c>application/strategic-merge-patch+json</c>), applied the way the API server
/// applies it (k8s.io/apimachinery/pkg/util/strategicpatch, <c>StrategicMergeMapPatch</c>: parallel lists are merged
/// and nulls that match nothing are dropped).
///
/// <para><b>Maps</b> merge recursively; a null value deletes the key. <c>"$patch": "replace"</c> in a map replaces the
/// map with the rest of the patch map; <c>"$patch": "delete"</c> empties the map (Kubernetes leaves <c>{}</c>, it does not
/// remove the key). <c>"$retainKeys": [..]</c> drops the map's keys that are not listed, after checking that every
/// non-null key of the patch map is listed.</para>
///
/// <para><b>Lists</b> without a merge strategy (see the table) are replaced. Lists of primitives with the merge strategy
/// (<c>finalizers</c>, <c>podCIDRs</c>) are merged as a set. Lists of objects with a merge key are merged element by
/// element: a patch element whose key matches an element of the list is merged into it, others are added; an element
/// <c>{"key": v, "$patch": "delete"}</c> removes every element with that key; an element <c>{"$patch": "replace"}</c>
/// makes the list exactly the other patch elements. <c>$deleteFromPrimitiveList/field: [..]</c> removes those values
/// from a list of primitives (any list, as current Kubernetes does). <c>$setElementOrder/field: [..]</c> orders the merged
/// list: the named elements in the given order, the others interleaved where they stood in the live list.</para>
///
/// <para><b>Order without <c>$setElementOrder</c></b> is that of Kubernetes' <c>mergeSlice</c>: the patch's elements
/// keep the patch's order, the live-only elements keep theirs, and the two are interleaved by their positions in the
/// live list; an element that is new is placed as soon as it is reached, so <c>[{name: b}]</c> patched into
/// <c>[{name: a}]</c> gives <c>[b, a]</c> (as <c>kubectl patch</c> does).</para>
///
/// <para><b>Directives</b> (<c>$patch</c>, <c>$retainKeys</c>, <c>$setElementOrder/..</c>,
/// <c>$deleteFromPrimitiveList/..</c>) never reach the result: a value that is new (absent from the live object) is
/// cleaned the way Kubernetes' <c>removeDirectives</c> cleans it (list elements carrying <c>$patch</c> are dropped,
/// nulls are dropped), and further: parallel-list keys are dropped too, a new map with <c>"$patch": "replace"</c>
/// keeps the rest of its keys (Kubernetes drops it), and one with <c>"$patch": "delete"</c> is left out.</para>
///
/// <para><b>Patch metadata</b> (the <c>patchStrategy</c>/<c>patchMergeKey</c> struct tags of k8s.io/api) is the table
/// <see cref="Types"/>, keyed by the Go type that holds the field and the field's JSON name:</para>
/// <code>
/// type               field                      strategy  merge key    element / value type
/// ObjectMeta         finalizers                 merge     (primitive)
/// ObjectMeta         ownerReferences            merge     uid
/// PodSpec            containers, initContainers merge     name         Container
/// PodSpec            ephemeralContainers        merge     name         Container (EphemeralContainerCommon)
/// PodSpec            volumes                    merge     name         (retainKeys as well)
/// PodSpec            imagePullSecrets           merge     name
/// PodSpec            hostAliases                merge     ip
/// PodSpec            topologySpreadConstraints  merge     topologyKey
/// PodSpec            schedulingGates            merge     name
/// PodSpec            resourceClaims             merge     name
/// PodSpec            tolerations, readinessGates (none: replaced)
/// Container          env                        merge     name
/// Container          ports                      merge     containerPort
/// Container          volumeMounts               merge     mountPath
/// Container          volumeDevices              merge     devicePath
/// Container          envFrom, command, args, resizePolicy (none: replaced)
/// PodStatus          conditions                 merge     type
/// PodStatus          podIPs, hostIPs            merge     ip
/// PodStatus          resourceClaimStatuses      merge     name
/// ServiceSpec        ports                      merge     port
/// NodeSpec           podCIDRs                   merge     (primitive)
/// NodeStatus         conditions, addresses      merge     type
/// Deployment/ReplicaSet/StatefulSet/DaemonSet/Job/Service/Namespace status: conditions merge type
/// </code>
/// <para>Every kind's <c>metadata</c> is ObjectMeta; a pod spec is found at <c>spec</c> (Pod), <c>template.spec</c>
/// (PodTemplate) and <c>spec.template.spec</c> (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job),
/// <c>spec.jobTemplate.spec.template.spec</c> (CronJob). ConfigMap, Secret, Event and unknown kinds have only
/// ObjectMeta's metadata; any field not in the table merges as a map or is replaced as a list.</para>
///
/// Neither argument is modified. Errors throw <see cref="PatchException"/> with Kubernetes' messages, e.g.
/// <c>map: map[image:x] does not contain declared merge key: name</c>.
/// </summary>
public static class StrategicMergePatch
{
    private const string DirectiveMarker = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
    private const string SetElementOrderPrefix = "$setElementOrder";
    private const string Merge = "merge";
    private const string Replace = "replace";
    private const string Delete = "delete";

    /// <summary>The patch metadata of one field: the type of its value (or list element), strategy and merge key.</summary>
    private sealed record Field(string? Type = null, string? Strategy = null, string? MergeKey = null);

    private static readonly Field ObjectMeta = new("ObjectMeta");
    private static readonly Field Conditions = new(Strategy: Merge, MergeKey: "type");
    private static readonly Field Template = new("PodTemplateSpec");

    /// <summary>Patch metadata by Go type, then by JSON field name (see the class summary).</summary>
    private static readonly Dictionary<string, Dictionary<string, Field>> Types = new()
    {
        ["ObjectMeta"] = new()
        {
            ["finalizers"] = new(Strategy: Merge),
            ["ownerReferences"] = new(Strategy: Merge, MergeKey: "uid"),
        },
        ["PodTemplateSpec"] = new() { ["metadata"] = ObjectMeta, ["spec"] = new("PodSpec") },
        ["PodSpec"] = new()
        {
            ["volumes"] = new(Strategy: Merge, MergeKey: "name"),
            ["initContainers"] = new("Container", Merge, "name"),
            ["containers"] = new("Container", Merge, "name"),
            ["ephemeralContainers"] = new("Container", Merge, "name"),
            ["imagePullSecrets"] = new(Strategy: Merge, MergeKey: "name"),
            ["hostAliases"] = new(Strategy: Merge, MergeKey: "ip"),
            ["topologySpreadConstraints"] = new(Strategy: Merge, MergeKey: "topologyKey"),
            ["schedulingGates"] = new(Strategy: Merge, MergeKey: "name"),
            ["resourceClaims"] = new(Strategy: Merge, MergeKey: "name"),
        },
        ["Container"] = new()
        {
            ["ports"] = new(Strategy: Merge, MergeKey: "containerPort"),
            ["env"] = new(Strategy: Merge, MergeKey: "name"),
            ["volumeMounts"] = new(Strategy: Merge, MergeKey: "mountPath"),
            ["volumeDevices"] = new(Strategy: Merge, MergeKey: "devicePath"),
        },
        ["PodStatus"] = new()
        {
            ["conditions"] = Conditions,
            ["podIPs"] = new(Strategy: Merge, MergeKey: "ip"),
            ["hostIPs"] = new(Strategy: Merge, MergeKey: "ip"),
            ["resourceClaimStatuses"] = new(Strategy: Merge, MergeKey: "name"),
        },
        ["WorkloadSpec"] = new() { ["template"] = Template },
        ["JobTemplateSpec"] = new() { ["metadata"] = ObjectMeta, ["spec"] = new("WorkloadSpec") },
        ["CronJobSpec"] = new() { ["jobTemplate"] = new("JobTemplateSpec") },
        ["ConditionsStatus"] = new() { ["conditions"] = Conditions },
        ["ServiceSpec"] = new() { ["ports"] = new(Strategy: Merge, MergeKey: "port") },
        ["NodeSpec"] = new() { ["podCIDRs"] = new(Strategy: Merge) },
        ["NodeStatus"] = new() { ["conditions"] = Conditions, ["addresses"] = new(Strategy: Merge, MergeKey: "type") },
        // Top-level kinds.
        ["Pod"] = Kind("PodSpec", "PodStatus"),
        ["PodTemplate"] = new() { ["metadata"] = ObjectMeta, ["template"] = Template },
        ["Deployment"] = Kind("WorkloadSpec", "ConditionsStatus"),
        ["ReplicaSet"] = Kind("WorkloadSpec", "ConditionsStatus"),
        ["StatefulSet"] = Kind("WorkloadSpec", "ConditionsStatus"),
        ["DaemonSet"] = Kind("WorkloadSpec", "ConditionsStatus"),
        ["Job"] = Kind("WorkloadSpec", "ConditionsStatus"),
        ["CronJob"] = Kind("CronJobSpec", null),
        ["Service"] = Kind("ServiceSpec", "ConditionsStatus"),
        ["Node"] = Kind("NodeSpec", "NodeStatus"),
        ["Namespace"] = Kind(null, "ConditionsStatus"),
        ["Object"] = Kind(null, null),
    };

    private static readonly Dictionary<string, string> KindNames = new[]
    {
        "Pod", "PodTemplate", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
        "Service", "Node", "Namespace",
    }.ToDictionary(k => k, k => k, StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, Field> Kind(string? spec, string? status)
    {
        var fields = new Dictionary<string, Field> { ["metadata"] = ObjectMeta };
        if (spec != null) fields["spec"] = new(spec);
        if (status != null) fields["status"] = new(status);
        return fields;
    }

    private static Field Lookup(string? type, string field) =>
        type != null && Types.TryGetValue(type, out var fields) && fields.TryGetValue(field, out var meta) ? meta : new Field();

    /// <summary>
    /// The leaf fields an object (or an applied configuration) sets, named as managedFields' FieldsV1 does:
    /// "f:spec" for a field, "k:{\"name\":\"nginx\"}" for an element of a list merged by key, "v:..." for a set member;
    /// lists without a merge key are one leaf. Path is the segments joined by '\u0001'; Display is kubectl's form
    /// (.spec.template.spec.containers[name="nginx"].image).
    /// </summary>
    public static IReadOnlyList<(string Path, string Display, JsonNode? Value)> Leaves(JsonObject obj, string kind)
    {
        var type = kind != null && KindNames.TryGetValue(kind, out var name) ? name : "Object";
        var result = new List<(string, string, JsonNode?)>();
        foreach (var (k, v) in obj)
        {
            if (k is "apiVersion" or "kind" or "status") continue;
            if (k == "metadata" && v is JsonObject meta)
            {
                foreach (var (mk, mv) in meta)
                    if (mk is "labels" or "annotations" or "ownerReferences" or "finalizers")
                        Walk(mv, Lookup("ObjectMeta", mk), new[] { "f:metadata", "f:" + mk }, $".metadata.{mk}", result);
                continue;
            }
            Walk(v, Lookup(type, k), new[] { "f:" + k }, "." + k, result);
        }
        return result;
    }

    private static void Walk(JsonNode? value, Field field, string[] path, string display, List<(string, string, JsonNode?)> result)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (k, v) in o) Walk(v, Lookup(field.Type, k), [.. path, "f:" + k], $"{display}.{k}", result);
                return;
            case JsonArray a when field.MergeKey != null && a.All(e => e is JsonObject eo && eo[field.MergeKey] != null):
                foreach (var e in a.OfType<JsonObject>())
                {
                    var keyValue = e[field.MergeKey]!;
                    var seg = "k:{\"" + field.MergeKey + "\":" + keyValue.ToJsonString() + "}";
                    var itemDisplay = $"{display}[{field.MergeKey}={keyValue.ToJsonString()}]";
                    foreach (var (k, v) in e) Walk(v, Lookup(field.Type, k), [.. path, seg, "f:" + k], $"{itemDisplay}.{k}", result);
                }
                return;
            case JsonArray a when field.Strategy == Merge && field.MergeKey == null && a.All(e => e is JsonValue):
                foreach (var e in a) result.Add((string.Join('\u0001', [.. path, "v:" + e!.ToJsonString()]), $"{display}[{e!.ToJsonString()}]", e));
                return;
            default:
                result.Add((string.Join('\u0001', path), display, value));
                return;
        }
    }

    /// <summary>
    /// Applies <paramref name="patch"/> to a copy of <paramref name="original"/>, an object of the top-level
    /// <paramref name="kind"/> (Pod, Deployment, ReplicaSet, Service, ConfigMap, Secret, Namespace, Node, Event, ...;
    /// case-insensitive; an unknown kind only knows ObjectMeta).
    /// </summary>
    public static JsonNode Apply(JsonNode original, JsonObject patch, string kind)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        if (original is not JsonObject originalObject)
            throw new PatchException($"strategic merge patch: expected a {PatchJson.GoType(new JsonObject())}, but received a {PatchJson.GoType(original)}");
        var type = kind != null && KindNames.TryGetValue(kind, out var name) ? name : "Object";
        return MergeMap((JsonObject)originalObject.DeepClone(), patch, type);
    }

    // ---- maps ----------------------------------------------------------------------------------------------

    // Merges the (read-only) patch into original, which this class owns and changes in place. Returns original,
    // or a new map for "$patch: replace"/"$patch: delete".
    private static JsonObject MergeMap(JsonObject original, JsonObject patch, string? type)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            if (IsString(directive, Replace)) return CleanMap(patch);
            if (IsString(directive, Delete)) return new JsonObject();
            throw BadPatchType(directive, patch);
        }

        ApplyRetainKeys(original, patch);
        var ordered = MergeOrderedLists(original, patch, type);

        foreach (var (patchKey, patchValue) in patch)
        {
            if (patchKey == RetainKeysDirective || patchKey.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)) continue;
            var key = patchKey;
            var isDeleteList = false;
            if (patchKey.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                key = ExtractKey(patchKey, DeleteFromPrimitiveListPrefix);
                isDeleteList = true;
                if (patchValue is not JsonArray) throw new PatchException("invalid patch format of primitive list");
            }
            else if (ordered.Contains(key)) continue;

            if (PatchJson.IsNull(patchValue))
            {
                original.Remove(key);
                continue;
            }
            if (!original.TryGetPropertyValue(key, out var current))
            {
                if (!isDeleteList) SetNew(original, key, patchValue);
                continue;
            }
            if (PatchJson.TypeOf(current) != PatchJson.TypeOf(patchValue))
            {
                if (!isDeleteList) SetNew(original, key, patchValue);
                continue;
            }

            var field = Lookup(type, key);
            switch (current)
            {
                case JsonObject currentMap:
                    var merged = field.Strategy == Replace ? CleanMap((JsonObject)patchValue!) : MergeMap(currentMap, (JsonObject)patchValue!, field.Type);
                    if (!ReferenceEquals(merged, currentMap)) original[key] = merged;
                    break;
                case JsonArray currentList:
                    var list = MergeSliceHandler(Detach(currentList), (JsonArray)patchValue!, field, key, isDeleteList);
                    original[key] = new JsonArray(list.ToArray());
                    break;
                default:
                    original[key] = patchValue!.DeepClone();
                    break;
            }
        }
        return original;
    }

    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retain)) return;
        if (retain is not JsonArray retainList) throw new PatchException("invalid patch format of retainKeys");
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in retainList)
            if (PatchJson.TypeOf(item) == "string") keep.Add(PatchJson.StringOf(item!));
        foreach (var (k, v) in patch)
        {
            if (k == RetainKeysDirective || PatchJson.IsNull(v) ||
                k.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal) ||
                k.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)) continue;
            if (!keep.Contains(k)) throw new PatchException("invalid patch format of retainKeys");
        }
        foreach (var k in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            original.Remove(k);
    }

    // Processes each $setElementOrder/<field> together with <field> (Kubernetes' mergePatchIntoOriginal).
    // Returns the fields done, which the main loop then skips.
    private static HashSet<string> MergeOrderedLists(JsonObject original, JsonObject patch, string? type)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (patchKey, orderNode) in patch)
        {
            if (!patchKey.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)) continue;
            if (orderNode is not JsonArray orderArray) throw BadArgType(new JsonArray(), orderNode);
            var key = ExtractKey(patchKey, SetElementOrderPrefix);
            var order = orderArray.ToList();

            var foundOriginal = original.TryGetPropertyValue(key, out var originalNode);
            var foundPatch = patch.TryGetPropertyValue(key, out var patchNode);
            if (foundOriginal && originalNode is not JsonArray) throw BadArgType(new JsonArray(), originalNode);
            if (foundPatch && patchNode is not JsonArray) throw BadArgType(new JsonArray(), patchNode);
            var originalList = foundOriginal ? ((JsonArray)originalNode!).ToList() : [];
            var patchList = foundPatch ? (JsonArray)patchNode! : [];

            var field = Lookup(type, key);
            var mergeKey = field.MergeKey ?? "";
            ValidatePatchWithSetOrderList(patchList.ToList(), order, mergeKey);

            List<JsonNode?> merged;
            if (foundOriginal && !foundPatch) merged = Detach((JsonArray)originalNode!);
            else if (!foundOriginal && foundPatch) merged = CleanList(patchList);
            else if (foundOriginal && foundPatch) merged = MergeSliceHandler(Detach((JsonArray)originalNode!), patchList, field, key, false);
            else continue;

            var kind = ElementKind(originalList, patchList.ToList());
            List<JsonNode?> result;
            if (kind == null || (mergeKey.Length == 0 && merged.Any(e => e is JsonObject)))
                result = merged; // nothing to order, or a list of objects without a merge key (Kubernetes cannot order it)
            else
            {
                var (patchItems, serverOnly) = mergeKey.Length == 0
                    ? PartitionPrimitives(merged, order)
                    : PartitionMaps(merged, order, mergeKey);
                result = NormalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind);
            }
            original[key] = new JsonArray(result.ToArray());
            done.Add(key);
        }
        return done;
    }

    // The order in the patch list must agree with the $setElementOrder list, and every patch element must be in it.
    private static void ValidatePatchWithSetOrderList(List<JsonNode?> patchList, List<JsonNode?> order, string mergeKey)
    {
        if (order.Count == 0 || patchList.Count == 0) return;
        var nonDelete = mergeKey.Length > 0 ? ExtractToDeleteItems(patchList).NonDelete : patchList;
        int patchIndex = 0, orderIndex = 0;
        while (patchIndex < nonDelete.Count && orderIndex < order.Count)
        {
            if (nonDelete[patchIndex] is JsonObject o && o.ContainsKey(DirectiveMarker))
            {
                patchIndex++;
                continue;
            }
            if (MergeKeyValueEqual(nonDelete[patchIndex], order[orderIndex], mergeKey)) patchIndex++;
            orderIndex++;
        }
        if (patchIndex < nonDelete.Count && orderIndex >= order.Count)
            throw new PatchException($"the order in patch list:\n{GoList(patchList)}\n doesn't match {SetElementOrderPrefix} list:\n{GoList(order)}");
    }

    private static bool MergeKeyValueEqual(JsonNode? left, JsonNode? right, string mergeKey)
    {
        if (mergeKey.Length == 0) return PrimitiveEquals(left, right);
        if (left is not JsonObject l) throw BadArgType(new JsonObject(), left);
        if (right is not JsonObject r) throw BadArgType(new JsonObject(), right);
        if (!l.TryGetPropertyValue(mergeKey, out var lv)) throw NoMergeKey(l, mergeKey);
        if (!r.TryGetPropertyValue(mergeKey, out var rv)) throw NoMergeKey(r, mergeKey);
        return PrimitiveEquals(lv, rv);
    }

    private static string ExtractKey(string key, string prefix)
    {
        var slash = key.IndexOf('/');
        if (slash < 0 || key[..slash] != prefix)
            throw new PatchException(prefix == DeleteFromPrimitiveListPrefix
                ? "invalid patch format of primitive list"
                : "invalid patch format of setElementOrder list");
        return key[(slash + 1)..];
    }

    // ---- lists ---------------------------------------------------------------------------------------------

    private static List<JsonNode?> MergeSliceHandler(List<JsonNode?> original, JsonArray patch, Field field, string key, bool isDeleteList) =>
        field.Strategy == Merge || isDeleteList
            ? MergeSlice(original, patch.ToList(), field, key, isDeleteList)
            : CleanList(patch);

    private static List<JsonNode?> MergeSlice(List<JsonNode?> original, List<JsonNode?> patch, Field field, string key, bool isDeleteList)
    {
        if (original.Count == 0 && patch.Count == 0) return original;
        var kind = ElementKind(original, patch)!;

        if (kind != "object")
        {
            if (isDeleteList) return original.Where(v => !patch.Any(d => PrimitiveEquals(v, d))).ToList();
            var merged = new List<JsonNode?>();
            foreach (var v in original.Concat(patch.Select(p => p?.DeepClone())))
                if (!merged.Any(m => PrimitiveEquals(m, v))) merged.Add(v);
            var (patchItems, serverOnly) = PartitionPrimitives(merged, patch);
            return NormalizeElementOrder(patchItems, serverOnly, patch, original, "", kind);
        }

        if (isDeleteList) throw new PatchException("invalid patch format of primitive list");
        var mergeKey = field.MergeKey ?? throw new PatchException($"cannot merge lists without merge key for {key}");
        var (live, patchElements) = MergeSliceWithSpecialElements(original, patch, mergeKey);
        var result = MergeSliceWithoutSpecialElements(live, patchElements, mergeKey, field.Type);
        var (inPatch, liveOnly) = PartitionMaps(result, patchElements, mergeKey);
        return NormalizeElementOrder(inPatch, liveOnly, patchElements, live, mergeKey, kind);
    }

    // Handles the elements carrying "$patch": deletes what they delete; with a replace marker the list becomes
    // the other patch elements. Returns the live list to merge into and the patch without those elements.
    private static (List<JsonNode?> Live, List<JsonNode?> Patch) MergeSliceWithSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey)
    {
        var live = new List<JsonNode?>(original);
        var plain = new List<JsonNode?>();
        var replace = false;
        foreach (var v in patch)
        {
            var element = (JsonObject)v!;
            if (!element.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                plain.Add(element);
                continue;
            }
            if (IsString(directive, Delete))
            {
                if (!element.TryGetPropertyValue(mergeKey, out var value)) throw NoMergeKey(element, mergeKey);
                for (var i = 0; i < live.Count; i++)
                {
                    if (live[i] is not JsonObject m) throw new PatchException($"value for key {i} is not a map");
                    if (m.TryGetPropertyValue(mergeKey, out var candidate) && PrimitiveEquals(candidate, value)) live.RemoveAt(i--);
                }
            }
            else if (IsString(directive, Replace)) replace = true; // keep going: other "$patch" elements are still pruned
            else if (IsString(directive, Merge)) throw new PatchException("merging lists cannot yet be specified in the patch");
            else throw BadPatchType(directive, element);
        }
        return replace ? (plain.Select(p => Clean(p, inMap: false).Value).ToList(), []) : (live, plain);
    }

    private static List<JsonNode?> MergeSliceWithoutSpecialElements(List<JsonNode?> live, List<JsonNode?> patch, string mergeKey, string? elementType)
    {
        var result = new List<JsonNode?>(live);
        foreach (var v in patch)
        {
            var element = (JsonObject)v!;
            if (!element.TryGetPropertyValue(mergeKey, out var value)) throw NoMergeKey(element, mergeKey);
            var found = -1;
            for (var i = 0; i < result.Count && found < 0; i++)
            {
                if (result[i] is not JsonObject m) throw new PatchException($"value for key {i} is not a map");
                if (m.TryGetPropertyValue(mergeKey, out var candidate) && PrimitiveEquals(candidate, value)) found = i;
            }
            if (found >= 0) result[found] = MergeMap((JsonObject)result[found]!, element, elementType);
            else result.Add(Clean(element, inMap: false).Value);
        }
        return result;
    }

    private static (List<JsonNode?> InList, List<JsonNode?> Others) PartitionPrimitives(List<JsonNode?> items, List<JsonNode?> by)
    {
        var inList = new List<JsonNode?>();
        var others = new List<JsonNode?>();
        foreach (var v in items) (by.Any(b => PrimitiveEquals(b, v)) ? inList : others).Add(v);
        return (inList, others);
    }

    private static (List<JsonNode?> InList, List<JsonNode?> Others) PartitionMaps(List<JsonNode?> items, List<JsonNode?> by, string mergeKey)
    {
        var inList = new List<JsonNode?>();
        var others = new List<JsonNode?>();
        foreach (var v in items)
        {
            if (v is not JsonObject m) throw BadArgType(new JsonObject(), v);
            if (!m.TryGetPropertyValue(mergeKey, out var value)) throw NoMergeKey(m, mergeKey);
            var found = false;
            for (var i = 0; i < by.Count && !found; i++)
            {
                if (by[i] is not JsonObject b) throw new PatchException($"value for key {i} is not a map");
                found = b.TryGetPropertyValue(mergeKey, out var candidate) && PrimitiveEquals(candidate, value);
            }
            (found ? inList : others).Add(v);
        }
        return (inList, others);
    }

    // Sorts the patch items by patchOrder and the live-only items by serverOrder, then interleaves them.
    private static List<JsonNode?> NormalizeElementOrder(List<JsonNode?> patchItems, List<JsonNode?> serverOnly,
        List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string mergeKey, string kind)
    {
        var sortedPatch = NormalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
        var sortedServer = NormalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
        return MergeSortedSlice(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
    }

    private static List<JsonNode?> NormalizeSliceOrder(List<JsonNode?> toSort, List<JsonNode?> order, string mergeKey, string kind)
    {
        var toDelete = new List<JsonNode?>();
        if (kind == "object")
        {
            foreach (var item in toSort.Concat(order))
            {
                if (item is not JsonObject m) throw BadArgType(new JsonObject(), item);
                if (!m.ContainsKey(mergeKey)) throw NoMergeKey(m, mergeKey);
            }
            (toSort, toDelete) = ExtractToDeleteItems(toSort);
        }
        // Stable; an item missing from the order (which Kubernetes' comparator leaves undefined) goes last.
        var sorted = toSort
            .Select(item => (Item: item, Index: Index(order, item, mergeKey, kind)))
            .OrderBy(x => x.Index < 0 ? int.MaxValue : x.Index)
            .Select(x => x.Item)
            .ToList();
        sorted.AddRange(toDelete);
        return sorted;
    }

    // Merges two sorted lists: a left (live-only) item goes first only when both it and the right (patch) item
    // are in serverOrder and it comes earlier there; otherwise the right item goes first.
    private static List<JsonNode?> MergeSortedSlice(List<JsonNode?> left, List<JsonNode?> right, List<JsonNode?> serverOrder, string mergeKey, string kind)
    {
        var result = new List<JsonNode?>(left.Count + right.Count);
        int i = 0, j = 0;
        while (i < left.Count && j < right.Count)
        {
            var li = Index(serverOrder, left[i], mergeKey, kind);
            var ri = Index(serverOrder, right[j], mergeKey, kind);
            result.Add(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
        }
        result.AddRange(left.Skip(i));
        result.AddRange(right.Skip(j));
        return result;
    }

    private static int Index(List<JsonNode?> list, JsonNode? item, string mergeKey, string kind)
    {
        var value = KeyOf(item);
        for (var i = 0; i < list.Count; i++)
            if (PrimitiveEquals(value, KeyOf(list[i]))) return i;
        return -1;

        JsonNode? KeyOf(JsonNode? x) => kind == "object" ? (x is JsonObject m && m.TryGetPropertyValue(mergeKey, out var v) ? v : null) : x;
    }

    private static (List<JsonNode?> NonDelete, List<JsonNode?> ToDelete) ExtractToDeleteItems(List<JsonNode?> list)
    {
        var nonDelete = new List<JsonNode?>();
        var toDelete = new List<JsonNode?>();
        foreach (var v in list)
        {
            if (v is not JsonObject m) throw BadArgType(new JsonObject(), v);
            (m.TryGetPropertyValue(DirectiveMarker, out var d) && IsString(d, Delete) ? toDelete : nonDelete).Add(v);
        }
        return (nonDelete, toDelete);
    }

    // The common type of the elements of the lists ("object", "string", "number", ...), or null if all are empty.
    private static string? ElementKind(params List<JsonNode?>[] lists)
    {
        string? kind = null;
        foreach (var list in lists)
            foreach (var v in list)
            {
                var t = PatchJson.TypeOf(v);
                if (kind == null)
                {
                    if (t == "array") throw new PatchException("lists of lists are not supported");
                    kind = t;
                }
                else if (kind != t)
                    throw new PatchException($"list element types are not identical: [{string.Join(" ", lists.Select(GoList))}]");
            }
        return kind;
    }

    // ---- values that are new to the live object -------------------------------------------------------------

    private static void SetNew(JsonObject target, string key, JsonNode? value)
    {
        var (clean, keep) = Clean(value, inMap: true);
        if (keep) target[key] = clean;
        else target.Remove(key);
    }

    private static JsonObject CleanMap(JsonObject map)
    {
        var result = new JsonObject();
        foreach (var (k, v) in map)
        {
            if (k == DirectiveMarker || k == RetainKeysDirective || PatchJson.IsNull(v) ||
                k.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) ||
                k.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal)) continue;
            var (clean, keep) = Clean(v, inMap: true);
            if (keep) result[k] = clean;
        }
        return result;
    }

    private static List<JsonNode?> CleanList(JsonArray list)
    {
        var result = new List<JsonNode?>();
        foreach (var v in list)
        {
            var (clean, keep) = Clean(v, inMap: false);
            if (keep) result.Add(clean);
        }
        return result;
    }

    // A fresh copy of a patch value without directives or null map values. Keep is false when the value itself
    // is a directive: a list element with "$patch", or a map value with "$patch": "delete".
    private static (JsonNode? Value, bool Keep) Clean(JsonNode? value, bool inMap)
    {
        switch (value)
        {
            case null: return (null, true);
            case JsonObject map:
                if (map.TryGetPropertyValue(DirectiveMarker, out var directive))
                {
                    if (IsString(directive, Merge) && !inMap) throw new PatchException("merging lists cannot yet be specified in the patch");
                    if (!IsString(directive, Replace) && !IsString(directive, Delete)) throw BadPatchType(directive, map);
                    if (!inMap || IsString(directive, Delete)) return (null, false);
                }
                return (CleanMap(map), true);
            case JsonArray list:
                return (new JsonArray(CleanList(list).ToArray()), true);
            default:
                return (value.DeepClone(), true);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static List<JsonNode?> Detach(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    private static bool IsString(JsonNode? node, string value) =>
        PatchJson.TypeOf(node) == "string" && PatchJson.StringOf(node!) == value;

    // Go's == on decoded JSON scalars: same type and value; maps and lists never compare equal.
    private static bool PrimitiveEquals(JsonNode? a, JsonNode? b)
    {
        var t = PatchJson.TypeOf(a);
        return t != "object" && t != "array" && t == PatchJson.TypeOf(b) && PatchJson.DeepEquals(a, b);
    }

    private static string GoList(List<JsonNode?> list) => "[" + string.Join(" ", list.Select(PatchJson.GoFormat)) + "]";

    private static PatchException NoMergeKey(JsonObject map, string key) =>
        new($"map: {PatchJson.GoFormat(map)} does not contain declared merge key: {key}");

    private static PatchException BadArgType(JsonNode expected, JsonNode? actual) =>
        new($"expected a {PatchJson.GoType(expected)}, but received a {PatchJson.GoType(actual)}");

    private static PatchException BadPatchType(JsonNode? directive, JsonObject map) =>
        new($"unknown patch type: {PatchJson.GoFormat(directive)} in map: {PatchJson.GoFormat(map)}");
}
