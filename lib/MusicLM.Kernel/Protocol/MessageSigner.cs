using System.Security.Cryptography;
using System.Text;

namespace MusicLM.Kernel.Protocol;

/// <summary>
/// HMAC-SHA256 over header, parent_header, metadata and content, as a lower-case hex string.
/// An empty key disables signing: signatures are empty and every message is accepted (messaging spec).
/// </summary>
internal sealed class MessageSigner
{
    private readonly byte[] _key;

    public MessageSigner(string key, string scheme)
    {
        if (key.Length > 0 && scheme != "hmac-sha256")
            throw new NotSupportedException($"signature scheme '{scheme}' is not supported (only hmac-sha256)");
        _key = Encoding.UTF8.GetBytes(key);
    }

    public bool Enabled => _key.Length > 0;

    public string Sign(ReadOnlySpan<byte[]> parts)
    {
        if (!Enabled) return "";
        using var h = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        foreach (var p in parts) h.AppendData(p);
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }

    /// <summary>Constant-time comparison of the received signature with the expected one.</summary>
    public bool Verify(byte[] signature, ReadOnlySpan<byte[]> parts)
    {
        if (!Enabled) return true;
        var expected = Encoding.ASCII.GetBytes(Sign(parts));
        var received = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(signature).ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }
}
