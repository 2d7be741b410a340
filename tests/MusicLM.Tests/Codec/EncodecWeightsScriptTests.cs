using System.Security.Cryptography;

namespace MusicLM.Tests.Codec;

/// <summary>data-scripts/encodec_weights.py without the network: arguments, the checksum, the offline message.</summary>
public class EncodecWeightsScriptTests
{
    private static string Script
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "MusicLMNotebooks.sln"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "data-scripts", "encodec_weights.py");
        }
    }

    [Fact]
    public void Help_describes_the_options()
    {
        var (code, stdout, _) = ReferencePython.Run(Script, "--help");
        Assert.Equal(0, code);
        Assert.Contains("--dest", stdout);
        Assert.Contains("--verify", stdout);
    }

    [Fact]
    public void Verify_accepts_a_file_whose_sha256_starts_with_the_prefix_in_its_name_and_rejects_others()
    {
        using var dir = new TempDir();
        var bytes = "not really EnCodec"u8.ToArray();
        var prefix = Convert.ToHexString(SHA256.HashData(bytes))[..8].ToLowerInvariant();
        var good = dir.File($"encodec_24khz-{prefix}.th");
        File.WriteAllBytes(good, bytes);
        var bad = dir.File("encodec_24khz-d7cc33bc.th");
        File.WriteAllBytes(bad, bytes);

        Assert.Equal(0, ReferencePython.Run(Script, "--verify", good).exitCode);
        var (code, stdout, _) = ReferencePython.Run(Script, "--verify", bad);
        Assert.Equal(1, code);
        Assert.Contains("MISMATCH", stdout);
        Assert.Equal(2, ReferencePython.Run(Script, "--verify", dir.File("nohash.th")).exitCode);
    }

    [Fact]
    public void An_unreachable_server_gives_a_clear_message_and_leaves_no_file()
    {
        using var dir = new TempDir();
        // Port 9 on loopback refuses the connection: the same path as being offline, without touching the network.
        var (code, _, stderr) = ReferencePython.Run(Script, "--dest", dir.Path, "--url", "http://127.0.0.1:9/encodec_24khz-d7cc33bc.th");
        Assert.NotEqual(0, code);
        Assert.Contains("offline", stderr);
        Assert.False(File.Exists(dir.File("encodec_24khz-d7cc33bc.th")));
    }
}
