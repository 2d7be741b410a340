using System.Text.Json.Nodes;

namespace MusicLM.Interactive;

/// <summary>
/// One displayable output in several representations (Jupyter's "MIME bundle"): the front end shows the
/// richest one it understands, and <c>text/plain</c> is always there as the fallback.
/// </summary>
public sealed class MimeBundle : IDisplayable
{
    /// <summary>MIME type → value (<c>string</c>, or <see cref="JsonNode"/> for JSON types).</summary>
    public Dictionary<string, object> Data { get; } = new();

    /// <summary>Per-type metadata (for example image sizes); empty for most outputs.</summary>
    public Dictionary<string, object> Metadata { get; } = new();

    /// <summary>A bundle with only <c>text/plain</c>.</summary>
    public static MimeBundle Text(string text) => new MimeBundle().With(MimeTypes.Text, text);

    /// <summary>A bundle with <c>text/html</c> and its <c>text/plain</c> fallback.</summary>
    public static MimeBundle Html(string html, string plain) => new MimeBundle().With(MimeTypes.Html, html).With(MimeTypes.Text, plain);

    /// <summary>Adds (or replaces) one representation; returns this bundle for chaining.</summary>
    public MimeBundle With(string mimeType, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(mimeType);
        ArgumentNullException.ThrowIfNull(value);
        Data[mimeType] = value;
        return this;
    }

    /// <summary>Adds a PNG image (raw file bytes; stored as base64 as Jupyter expects).</summary>
    public MimeBundle WithPng(byte[] png) => With(MimeTypes.Png, Convert.ToBase64String(png));

    /// <summary>The text of one representation, or null when absent (JSON types are serialised).</summary>
    public string? Get(string mimeType) => Data.TryGetValue(mimeType, out var v) ? v switch
    {
        string s => s,
        JsonNode n => n.ToJsonString(),
        _ => v.ToString(),
    } : null;

    /// <summary>True when the bundle has this representation.</summary>
    public bool Has(string mimeType) => Data.ContainsKey(mimeType);

    public IReadOnlyDictionary<string, object> ToMimeBundle() => Data;

    /// <summary>Wraps any kernel-style bundle dictionary (copying it).</summary>
    public static MimeBundle From(IReadOnlyDictionary<string, object> data)
    {
        var b = new MimeBundle();
        foreach (var (k, v) in data) b.Data[k] = v;
        return b;
    }

    public override string ToString() => Get(MimeTypes.Text) ?? $"MimeBundle({string.Join(", ", Data.Keys)})";
}
