/** Texts several menus share (Russian; each checked to fit in both languages when loaded). */
import { fixedTexts } from "./menu-text.js";

export const COMMON = fixedTexts({
  unknownRequest: "Неверный запрос. Список запросов: *111#",
  noService: "Услуга недоступна для вашего номера.",
  serviceError: "Сервис временно недоступен. Повторите позже.",
  invalidChoice: "Неверный выбор.",
  cancelled: "Отменено.",
  nextPage: "0 далее",
  yesNo: "1 да\n2 нет",
  badNumber: "Неверный номер. Пример: 291234567 или 375291234567",
  notActive: "Номер заблокирован или на Паузе: операция недоступна.",
});

/** "1" confirms, "2" (or anything else) cancels. */
export function confirmed(input: string): boolean {
  return input.trim() === "1";
}
