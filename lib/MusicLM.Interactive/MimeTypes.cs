namespace MusicLM.Interactive;

/// <summary>The MIME types this toolkit emits.</summary>
public static class MimeTypes
{
    public const string Text = "text/plain";
    public const string Html = "text/html";
    public const string Png = "image/png";
    public const string Svg = "image/svg+xml";
    public const string Json = "application/json";
    public const string Plotly = "application/vnd.plotly.v1+json";
}
