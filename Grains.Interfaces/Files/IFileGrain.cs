namespace OrleansGateway.Files;

/// <summary>One file's metadata (key: the file id, <c>file-...</c>).</summary>
[Alias("gw.IFileGrain")]
public interface IFileGrain : IGrainWithStringKey
{
    /// <summary>Records the file once its bytes are stored; recording it again changes nothing.</summary>
    [Alias("Create")]
    Task<FileRecord> CreateAsync(FileRecord record);

    /// <summary>The file, or null when there is none (never created, or deleted).</summary>
    [Alias("Get")]
    Task<FileRecord?> GetAsync();

    /// <summary>Records the byte count of a file whose content is produced when read (a batch's output or error file), once measured; the file (null when there is none).</summary>
    [Alias("SetBytes")]
    Task<FileRecord?> SetBytesAsync(long bytes);

    /// <summary>Forgets the file and returns what it was; null when there was none. The caller deletes the blob.</summary>
    [Alias("Delete")]
    Task<FileRecord?> DeleteAsync();
}
