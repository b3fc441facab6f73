namespace RlSpec.Trainer.Reports;

/// <summary>Writes a report directory all at once: into a temporary sibling first, then moved into place, so a failure
/// (or a kill) never leaves half a report in <c>--out</c>.</summary>
public static class ReportWriter
{
    public const string MarkdownFile = "report.md";

    /// <summary>Writes <c>report.md</c> and the figures into <paramref name="outDir"/> (created, or its files of the same
    /// names replaced) and returns the paths written.</summary>
    public static List<string> Write(ReportData data, string outDir)
    {
        var full = Path.GetFullPath(outDir);
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full))!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(Path.TrimEndingDirectorySeparator(full))}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        try
        {
            var files = ReportPlots.Write(data, temp);
            File.WriteAllText(Path.Combine(temp, MarkdownFile), ReportMarkdown.Render(data));
            files.Add(MarkdownFile);
            if (!Directory.Exists(full))
            {
                Directory.Move(temp, full);
            }
            else
            {
                foreach (var file in files)
                {
                    File.Move(Path.Combine(temp, file), Path.Combine(full, file), overwrite: true);
                }

                foreach (var stale in ReportPlots.All.Except(files).Select(f => Path.Combine(full, f)).Where(File.Exists))
                {
                    File.Delete(stale);
                }
            }

            return files.Select(f => Path.Combine(outDir, f)).ToList();
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }
}
