using System.Text.RegularExpressions;

namespace Cluster.Grains.Admission;

/// <summary>Kubernetes' name rules (apimachinery validation), with its wording.</summary>
public static partial class Names
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Label1123();
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")] private static partial Regex Subdomain1123();
    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Label1035();
    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")] private static partial Regex QualifiedNamePart();
    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")] private static partial Regex LabelValue();

    public static string? Dns1123Label(string v)
    {
        if (v.Length > 63) return "must be no more than 63 characters";
        if (!Label1123().IsMatch(v))
            return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
        return null;
    }

    public static string? Dns1123Subdomain(string v)
    {
        if (v.Length > 253) return "must be no more than 253 characters";
        if (!Subdomain1123().IsMatch(v))
            return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        return null;
    }

    public static string? Dns1035Label(string v)
    {
        if (v.Length > 63) return "must be no more than 63 characters";
        if (!Label1035().IsMatch(v))
            return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
        return null;
    }

    /// <summary>Label and annotation keys: an optional DNS subdomain prefix and a name part of at most 63 characters.</summary>
    public static string? QualifiedName(string v)
    {
        var slash = v.LastIndexOf('/');
        var name = slash >= 0 ? v[(slash + 1)..] : v;
        if (slash >= 0)
        {
            var prefix = v[..slash];
            if (prefix.Length == 0) return "prefix part must be non-empty";
            if (Dns1123Subdomain(prefix) is { } e) return "prefix part " + e;
        }
        if (name.Length == 0) return "name part must be non-empty";
        if (name.Length > 63) return "name part must be no more than 63 characters";
        if (!QualifiedNamePart().IsMatch(name))
            return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
        return null;
    }

    public static string? LabelValueError(string v)
    {
        if (v.Length > 63) return "must be no more than 63 characters";
        if (!LabelValue().IsMatch(v))
            return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        return null;
    }
}
