using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MusicLM.Kernel.Tests;

/// <summary>
/// One kernel shared by the tests where order does not matter, started in a temporary working
/// directory that holds libs/Greeting.dll and the dependency next to it, libs/Greeting.Words.dll.
/// </summary>
public sealed class KernelFixture : IDisposable
{
    public KernelFixture()
    {
        WorkingDirectory = Directory.CreateTempSubdirectory("musiclm-kernel-tests-").FullName;
        var libs = Directory.CreateDirectory(Path.Combine(WorkingDirectory, "libs")).FullName;
        var words = Compile("Greeting.Words", "namespace Greeting; public static class Words { public static string Hello => \"hello from a dependency\"; }", []);
        File.WriteAllBytes(Path.Combine(libs, "Greeting.Words.dll"), words.Bytes);
        var greeter = Compile("Greeting", "namespace Greeting; public static class Greeter { public static string Greet() => Words.Hello + \"!\"; }", [words.Reference]);
        File.WriteAllBytes(Path.Combine(libs, "Greeting.dll"), greeter.Bytes);
        Kernel = new KernelProcess(WorkingDirectory);
    }

    public string WorkingDirectory { get; }

    public KernelProcess Kernel { get; }

    private static (byte[] Bytes, MetadataReference Reference) Compile(string name, string code, MetadataReference[] extra)
    {
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(code)], framework.Concat(extra),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var ms = new MemoryStream();
        var result = compilation.Emit(ms);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var bytes = ms.ToArray();
        return (bytes, MetadataReference.CreateFromImage(bytes));
    }

    public void Dispose()
    {
        Kernel.Dispose();
        try { Directory.Delete(WorkingDirectory, true); } catch (IOException) { }
    }
}
