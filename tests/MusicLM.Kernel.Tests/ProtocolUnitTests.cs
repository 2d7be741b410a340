using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MusicLM.Kernel.Execution;
using MusicLM.Kernel.Protocol;

namespace MusicLM.Kernel.Tests;

public sealed class ProtocolUnitTests
{
    [Fact]
    public void Signature_is_hmac_sha256_hex_of_the_four_json_parts()
    {
        var signer = new MessageSigner("secret", "hmac-sha256");
        byte[][] parts = ["{}"u8.ToArray(), "{}"u8.ToArray(), "{}"u8.ToArray(), "{\"a\":1}"u8.ToArray()];
        using var hmac = new System.Security.Cryptography.HMACSHA256("secret"u8.ToArray());
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(parts.SelectMany(p => p).ToArray()));
        Assert.Equal(expected, signer.Sign(parts));
        Assert.True(signer.Verify(Encoding.ASCII.GetBytes(expected), parts));
        Assert.False(signer.Verify(Encoding.ASCII.GetBytes(expected[..^1] + "0"), parts));
        Assert.False(signer.Verify([], parts));
    }

    [Fact]
    public void An_empty_key_disables_signing()
    {
        var signer = new MessageSigner("", "hmac-sha256");
        Assert.Equal("", signer.Sign(["{}"u8.ToArray()]));
        Assert.True(signer.Verify("anything"u8.ToArray(), ["{}"u8.ToArray()]));
    }

    [Fact]
    public void Wire_format_round_trips_identities_parts_and_buffers()
    {
        var signer = new MessageSigner("k", "hmac-sha256");
        var m = new JupyterMessage
        {
            Identities = ["id-1"u8.ToArray()],
            Header = JupyterMessage.NewHeader("execute_request", "s"),
            Content = new JsonObject { ["code"] = "1 + 1" },
            Buffers = [[1, 2, 3]],
        };
        var frames = WireFormat.Encode(m, signer);
        Assert.Equal("<IDS|MSG>", Encoding.UTF8.GetString(frames[1]));
        var back = WireFormat.Decode(frames, signer);
        Assert.Equal("execute_request", back.MsgType);
        Assert.Equal("1 + 1", back.Content["code"]!.GetValue<string>());
        Assert.Equal([1, 2, 3], back.Buffers.Single());
        Assert.Equal("id-1"u8.ToArray(), back.Identities.Single());

        frames[^2] = "{\"code\": \"evil\"}"u8.ToArray(); // content changed after signing
        Assert.Throws<UnauthorizedAccessException>(() => WireFormat.Decode(frames, signer));
        Assert.Throws<InvalidDataException>(() => WireFormat.Decode([[1, 2]], signer));
        Assert.Throws<InvalidDataException>(() => WireFormat.Decode(["<IDS|MSG>"u8.ToArray(), [], [], []], signer));
    }

    [Theory]
    [InlineData("while (true) {}")]
    [InlineData("for (;;)\n  x++;\nvar y = 1;")]
    [InlineData("void F()\n{\n  G();\n}\nawait Task.Delay(1);\nvar z = 2;")]
    [InlineData("xs.Select(i =>\n{\n  return i;\n});")]
    public void Interrupt_checks_are_inserted_without_moving_lines(string code)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script);
        var rewritten = InterruptRewriter.Rewrite(code, options);
        Assert.Matches(@"CellInterrupt\.(Check|Enter)\(\);", rewritten);
        AssertSameLines(code, rewritten);
    }

    /// <summary>Each line keeps its own code; only checks (and braces, or a `return` for an arrow body) are added.</summary>
    private static void AssertSameLines(string code, string rewritten)
    {
        var original = code.Split('\n');
        var lines = rewritten.Split('\n');
        Assert.Equal(original.Length, lines.Length);
        static string Strip(string line) => line
            .Replace("global::MusicLM.Kernel.Execution.CellInterrupt.Check();", "")
            .Replace("global::MusicLM.Kernel.Execution.CellInterrupt.Enter();", "")
            .Replace("=>", "").Replace("return ", "").Replace("get", "")
            .Replace(" ", "").Replace("{", "").Replace("}", "");
        for (int i = 0; i < original.Length; i++)
            Assert.Equal(Strip(original[i]), Strip(lines[i]));
    }

    [Theory]
    [InlineData("int F(int n) => F(n + 1) + 1;\nF(0)", 1)]
    [InlineData("void Log(string s) => Console.WriteLine(s);", 1)]
    [InlineData("async Task Wait() => await Task.Delay(1);\nasync Task<int> Get() => await Task.FromResult(1);", 2)]
    [InlineData("class C\n{\n  public int X => X;\n  public int this[int i] => i;\n  public C() => X.ToString();\n  public int Y { get => Y; set => Y = value; }\n  public static C operator +(C a, C b) => a;\n}", 6)]
    [InlineData("int Fail() => throw new InvalidOperationException();", 1)]
    [InlineData("Func<int, int> twice = x => { return 2 * x; };\nvar q = new[] { 1 }.Select(x => x + 1);", 1)]
    public void Every_member_and_block_lambda_starts_with_a_stack_check_on_the_same_lines(string code, int expected)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest, kind: SourceCodeKind.Script);
        var rewritten = InterruptRewriter.Rewrite(code, options);
        Assert.Equal(expected, System.Text.RegularExpressions.Regex.Matches(rewritten, @"CellInterrupt\.Enter\(\);").Count);
        AssertSameLines(code, rewritten);
        // The rewritten cell still compiles as a script (what the kernel runs).
        var tree = CSharpSyntaxTree.ParseText(rewritten, options);
        var compilation = CSharpCompilation.CreateScriptCompilation("rewritten", tree,
            [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, usings: ["System", "System.Linq", "System.Threading.Tasks"]));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
