// VariantStyle: the one home of variant text and colour in the window.

#include "state/VariantStyle.h"
#include "losslens/loss/LossVariant.h"

#include <QTest>

#include <set>
#include <string>

using namespace losslens;

class VariantStyleTest : public QObject {
    Q_OBJECT
private slots:
    void textFromCoreKeepsItsLength() {
        // A view into a longer buffer: only its own characters, UTF-8 decoded.
        const std::string buffer = "caf\xc3\xa9 and more";
        QCOMPARE(toQString(std::string_view(buffer).substr(0, 5)), QStringLiteral("café"));
        QCOMPARE(toQString({}), QString());
    }

    void everyVariantHasItsTextAndADistinctColour() {
        const auto variants = lossVariants();
        std::set<QRgb> colours;
        for (std::size_t v = 0; v < variants.size(); ++v) {
            QCOMPARE(variantName(v), QString::fromStdString(std::string(variants[v].name)));
            QCOMPARE(variantLabel(v), QString::fromStdString(std::string(variants[v].label)));
            QVERIFY(!variantDescription(v).isEmpty());
            QVERIFY(variantColour(v).isValid());
            colours.insert(variantColour(v).rgb());
        }
        QCOMPARE(colours.size(), variants.size());
    }
};

QTEST_MAIN(VariantStyleTest)
#include "VariantStyleTest.moc"
