#include "losslens/candidates/ProposedLabels.h"

#include "losslens/io/DataError.h"
#include "losslens/io/FileBytes.h"
#include "losslens/io/LabelPng.h"
#include "losslens/io/LabelPngFormat.h"

#include <map>

namespace losslens {

LabelMap proposedLabels(const LabelMap& labels, const std::vector<const Candidate*>& candidates) {
    LabelMap out = labels;
    for (const Candidate* c : candidates)
        for (const PixelRun& r : c->runs) {
            if (r.y < 0 || r.y >= out.height() || r.x0 < 0 || r.x1 > out.width())
                continue;
            for (int x = r.x0; x < r.x1; ++x)
                out.at(x, r.y) = static_cast<std::uint16_t>(c->classId);
        }
    return out;
}

std::size_t writeProposedLabels(const Dataset& dataset, const std::vector<Candidate>& candidates,
                                const std::filesystem::path& dir, bool overwrite,
                                std::vector<LabelWriteFailure>& failures) {
    std::map<std::string, std::vector<const Candidate*>> byStem;
    for (const Candidate& c : candidates)
        byStem[c.stem].push_back(&c);
    std::map<std::string, const SampleEntry*> entries;
    for (const SampleEntry& e : dataset.entries())
        entries[e.stem] = &e;
    std::size_t written = 0;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (const auto& [stem, chosen] : byStem) {
        const auto found = entries.find(stem);
        if (found == entries.end())
            continue;
        const std::filesystem::path target = dir / (stem + ".png");
        std::string file = found->second->label.string();
        try {
            const std::vector<std::byte> bytes =
                readFileBytes(found->second->label, dataset.limits().maxFileBytes);
            const LabelPngFormat format = readLabelPngFormat(bytes);
            const LabelMap labels = decodeLabelPng(bytes, dataset.limits());
            file = target.string();
            writeFileAtomically(target, encodeLabelPng(proposedLabels(labels, chosen), format),
                                overwrite);
            ++written;
        } catch (const FileExistsError& e) {
            failures.push_back({stem, e.file().string(), "exists", true});
        } catch (const DataError& e) {
            failures.push_back({stem, e.file().string(), e.reason(), false});
        } catch (const std::exception& e) {
            failures.push_back({stem, file, e.what(), false});
        }
    }
    return written;
}

} // namespace losslens
