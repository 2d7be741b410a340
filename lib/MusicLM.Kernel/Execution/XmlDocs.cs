using System.Globalization;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace MusicLM.Kernel.Execution;

/// <summary>An assembly's XML documentation file, read on first use (Roslyn's own provider lives in Workspaces).</summary>
internal sealed class XmlDocs(string path) : DocumentationProvider
{
    private readonly Lazy<Dictionary<string, string>> _members = new(() => Load(path));

    private static Dictionary<string, string> Load(string path)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var m in XDocument.Load(path).Descendants("member"))
                if (m.Attribute("name")?.Value is { } name) members[name] = m.ToString();
        }
        catch (Exception e) when (e is IOException or System.Xml.XmlException)
        {
            KernelLog.Write($"cannot read documentation {path}: {e.Message}");
        }
        return members;
    }

    protected override string? GetDocumentationForSymbol(string documentationMemberID, CultureInfo preferredCulture, CancellationToken cancellationToken = default) =>
        _members.Value.GetValueOrDefault(documentationMemberID);

    public override bool Equals(object? obj) => obj is XmlDocs other && other._path == _path;

    public override int GetHashCode() => _path.GetHashCode(StringComparison.Ordinal);

    private readonly string _path = path;
}
