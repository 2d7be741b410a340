namespace MusicLM.Interactive;

/// <summary>
/// Something a notebook can show. The C# kernel calls <see cref="ToMimeBundle"/> on a cell's last value,
/// and <see cref="Display.display"/> publishes it from anywhere in a cell.
/// </summary>
public interface IDisplayable
{
    /// <summary>MIME type → value: a <c>string</c> for text types and base64 images, a <c>JsonNode</c> for JSON types.</summary>
    IReadOnlyDictionary<string, object> ToMimeBundle();
}
