namespace MusicLM.Audio.Tests.IO;

public class DataScriptsTests
{
    [Fact]
    public void Python_tests_of_the_data_scripts_pass()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "MusicLMNotebooks.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        var output = Tools.Run(Tools.Python, ["-m", "unittest", "discover", "-s", Path.Combine(root!, "data-scripts", "tests"), "-v"], root);
        Assert.Contains("OK", output);
        Assert.Matches(@"Ran (1[0-9]|[2-9][0-9]) tests", output);
    }
}
