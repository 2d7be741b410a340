using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MusicLM.Kernel.Protocol;

/// <summary>
/// The Jupyter wire format: [identities…, "&lt;IDS|MSG&gt;", signature, header, parent_header,
/// metadata, content, buffers…], each JSON part UTF-8, the signature an HMAC of the four JSON parts.
/// </summary>
internal static class WireFormat
{
    public const string ProtocolVersion = "5.3";
    private static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    public static List<byte[]> Encode(JupyterMessage m, MessageSigner signer)
    {
        var parts = new[]
        {
            Json(m.Header), Json(m.ParentHeader), Json(m.Metadata), Json(m.Content),
        };
        var frames = new List<byte[]>(m.Identities.Count + 6 + m.Buffers.Count);
        frames.AddRange(m.Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(signer.Sign(parts)));
        frames.AddRange(parts);
        frames.AddRange(m.Buffers);
        return frames;
    }

    /// <summary>
    /// Parses and verifies a received message. Throws <see cref="InvalidDataException"/> for a
    /// malformed one and <see cref="UnauthorizedAccessException"/> for a bad signature.
    /// </summary>
    public static JupyterMessage Decode(List<byte[]> frames, MessageSigner signer)
    {
        int d = frames.FindIndex(f => f.AsSpan().SequenceEqual(Delimiter));
        if (d < 0) throw new InvalidDataException("no <IDS|MSG> delimiter");
        if (frames.Count < d + 6) throw new InvalidDataException($"only {frames.Count - d - 1} frames after the delimiter; need 5");
        var parts = frames.GetRange(d + 2, 4).ToArray();
        if (!signer.Verify(frames[d + 1], parts))
            throw new UnauthorizedAccessException("invalid message signature");
        return new JupyterMessage
        {
            Identities = frames.GetRange(0, d),
            Header = ParseObject(parts[0], "header"),
            ParentHeader = ParseObject(parts[1], "parent_header"),
            Metadata = ParseObject(parts[2], "metadata"),
            Content = ParseObject(parts[3], "content"),
            Buffers = frames.GetRange(d + 6, frames.Count - d - 6),
        };
    }

    private static JsonObject ParseObject(byte[] utf8, string what)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject ?? throw new InvalidDataException($"{what} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what} is not valid JSON: {e.Message}");
        }
    }

    private static byte[] Json(JsonObject o) => Encoding.UTF8.GetBytes(o.ToJsonString());
}
